namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// Where screenshots go: <c>BATON_TEST_ARTIFACTS</c> when set (<c>.ci/run</c> points it into the repository's ignored
/// <c>artifacts/</c>), else <c>artifacts/</c> beside the test assembly.
/// </summary>
public static class Artifacts
{
    public const string Variable = "BATON_TEST_ARTIFACTS";

    public static string Screenshots
    {
        get
        {
            var root = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named ? named : Path.Combine(AppContext.BaseDirectory, "artifacts");
            var dir = Path.Combine(root, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}
