/* Fixture for scripts/callgraph: a.c and b.c call each other (a cycle). */
int b(int x);
int a(int x)
{
    return x ? b(x - 1) : 0;
}
