using System.Text.Json;

namespace Baton.Cli.Tests.Process;

/// <summary>Mistakes on the command line and <c>--json</c> on the verbs that had none, through the built binary in local mode.</summary>
public sealed class CommandLineProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task UnknownFlag_SuggestsTheClosestFlagOnceAndExitsTwo()
    {
        var result = await _workspace.RunAsync("sod", "--agnet", "claude-1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean --agent?", result.Error);
        Assert.Single(result.Error.Split('\n'), l => l.StartsWith("baton:", StringComparison.Ordinal));
        Assert.Contains("baton sod --help", result.Error);
    }

    [Fact]
    public async Task UnknownVerb_SuggestsTheClosestVerbWithoutAMissingCommandError()
    {
        var result = await _workspace.RunAsync("sdo");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Did you mean sod?", result.Error);
        Assert.DoesNotContain("Required command", result.Error);
    }

    [Fact]
    public async Task ValidationFailure_PrintsEachFieldProblemOnce()
    {
        var result = await _workspace.RunAsync("cadence", "add", "--scope", "alpha", "--title", "Rotate keys", "--every-days", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.Split('\n'), l => l.Contains("interval_days", StringComparison.Ordinal));
        Assert.Contains("validation_failed", result.Error);
    }

    [Fact]
    public async Task InitJson_PrintsTheVentureAndTheFilesCreated()
    {
        var result = await _workspace.RunAsync("init", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var answer = JsonDocument.Parse(result.Out);
        Assert.Equal("alpha", answer.RootElement.GetProperty("venture").GetString());
        Assert.Contains("STATUS.md", answer.RootElement.GetProperty("created").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, answer.RootElement.GetProperty("kept").GetArrayLength());
    }

    [Fact]
    public async Task StatusRefreshJson_PrintsTheSectionsWrittenAndWhetherTheFileChanged()
    {
        Assert.Equal(0, (await _workspace.RunAsync("init")).ExitCode);

        var result = await _workspace.RunAsync("status", "refresh", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var answer = JsonDocument.Parse(result.Out);
        Assert.True(answer.RootElement.GetProperty("changed").GetBoolean());
        Assert.Equal(["sessions", "handoffs", "open-work"], answer.RootElement.GetProperty("sections").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, answer.RootElement.GetProperty("missing").GetArrayLength());
    }
}
