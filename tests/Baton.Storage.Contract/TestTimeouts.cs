namespace Baton.Storage.Contract;

/// <summary>The one timeout every test waits with, so a hang fails the test instead of the run.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);
}
