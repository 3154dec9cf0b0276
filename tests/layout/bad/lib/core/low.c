/* Fixture for scripts/callgraph: a core file calling up into the system
 * layer. */
int a(int x);
int low(int x)
{
    return a(x);
}
