namespace Baton.Testing;

/// <summary>
/// The one bound every test waits within — for a condition, a request, a lock, a process to start or finish — so a
/// hang fails that test instead of stalling the run. It is sized for the slowest legitimate wait (starting the built
/// <c>baton</c> on a loaded two-core machine); a passing test never waits it out, so a single generous bound costs
/// nothing and spares every project its own guess.
/// </summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(90);

    /// <summary>A token cancelled after <see cref="Default"/>, for one call or one test.</summary>
    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;
}
