using Baton.Cli;
using Baton.Cli.Launch;

namespace Baton.Cli.Tests.Unit;

public sealed class LaunchConfigTests : IDisposable
{
    private readonly TempDirectory _dataDir = new("baton-launch-config-");

    private LaunchConfig Load(string json)
    {
        File.WriteAllText(Path.Combine(_dataDir.Path, LaunchConfig.FileName), json);
        return LaunchConfig.Load(_dataDir.Path);
    }

    public void Dispose() => _dataDir.Dispose();

    [Fact]
    public void Load_MisspeltField_IsAUsageErrorWithFileLineAndTheIntendedField()
    {
        var error = Assert.Throws<UsageException>(() => Load("{\n  \"ventures\": {\n    \"alpha\": {\n      \"agnet\": \"codex\"\n    }\n  }\n}"));

        Assert.Contains(Path.Combine(_dataDir.Path, "launch.json") + ":4:", error.Message);
        Assert.Contains("unknown field `ventures.alpha.agnet`; did you mean `agent`?", error.Message);
    }

    [Fact]
    public void Load_MisspeltNestedField_NamesItsPath()
    {
        var error = Assert.Throws<UsageException>(() => Load("""{"ventures":{"alpha":{"secrets":{"provder":"env-file"}}}}"""));

        Assert.Contains("`ventures.alpha.secrets.provder`; did you mean `provider`?", error.Message);
    }

    [Fact]
    public void Load_TrailingComma_IsAUsageErrorWithTheLine()
    {
        var error = Assert.Throws<UsageException>(() => Load("{\n  \"ventures\": {\n    \"alpha\": { \"agent\": \"codex\" },\n  }\n}"));

        Assert.Contains("launch.json:4:", error.Message);
    }

    [Fact]
    public void Load_KnownFields_ReadsThem()
    {
        var config = Load("""{"ventures":{"alpha":{"agent":"codex","deny_env":["AWS_*"],"secrets":{"provider":"env-file","file":"/x.env","timeout_seconds":5}}}}""");

        var alpha = config.For("alpha");
        Assert.Equal("codex", alpha.Agent);
        Assert.Equal(["AWS_*"], alpha.DenyEnv);
        Assert.Equal(5, alpha.Secrets?.TimeoutSeconds);
    }
}
