/* Fixture for scripts/callgraph: a.c and b.c call each other (a cycle). */
int a(int x);
int b(int x)
{
    return x ? a(x - 1) : 1;
}
