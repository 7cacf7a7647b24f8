namespace Baton.Server.Tests.Support;

internal static class TestConstants
{
    /// <summary>The one timeout for waiting on a condition (a log row to appear, a request to reach the store).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
}
