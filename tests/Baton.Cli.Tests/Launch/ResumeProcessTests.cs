using System.Text.Json;
using Baton.Cli.Tests.Process;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Cli.Tests.Launch;

/// <summary>
/// <c>baton resume</c> as a process in local mode: the session's native id recorded from a hook event, fake agent CLIs
/// first on PATH that record their argv and cwd, and the repo clone found under BATON_REPO_ROOTS.
/// </summary>
public sealed class ResumeProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();
    private readonly FakeBin _bin;
    private readonly string _record;

    public ResumeProcessTests()
    {
        _bin = new FakeBin(Path.Combine(_workspace.Root, "bin"));
        _record = Path.Combine(_workspace.Root, "record.txt");
        foreach (var agent in new[] { "claude", "gemini", "codex" })
            _bin.Write(agent, $$"""
                #!/bin/sh
                { echo "bin={{agent}}"; echo "cwd=$(pwd)"; for a in "$@"; do echo "arg=$a"; done; } > "$RECORD_FILE"
                exit 3
                """);
        _workspace.Environment["PATH"] = _bin.SearchPath;
        _workspace.Environment["BATON_REPO_ROOTS"] = _workspace.Root;
        _workspace.Environment["RECORD_FILE"] = _record;
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> SodAsync()
    {
        var sod = await _workspace.RunAsync("sod", "--agent", "alice", "--json");
        Assert.True(sod.ExitCode == 0, sod.ToString());
        using var started = JsonDocument.Parse(sod.Out);
        return started.RootElement.GetProperty("session").GetProperty("id").GetString()!;
    }

    private async Task RecordAsync(string sessionId, HookCli cli, string native)
    {
        await using var runtime = await BatonRuntime.StartAsync(
            new ServiceCollection().AddBaton(new BatonOptions(), new StoreOptions { DataDir = _workspace.DataDir }), TestTimeouts.Token());
        var answer = await runtime.For(Caller.Local(IdGenerator.NewCorrelationId())).Activity.RecordEventsAsync(new RecordEventsRequest(
            [new HookEventInput(new IdGenerator(TimeProvider.System).New(IdGenerator.Event), cli, "SessionStart", DateTimeOffset.UtcNow, native, SessionId: sessionId)]),
            TestTimeouts.Token());
        Assert.Equal(1, answer.Stored);
    }

    [Theory]
    [InlineData(HookCli.Claude, "claude", "--resume")]
    [InlineData(HookCli.Gemini, "gemini", "--resume")]
    [InlineData(HookCli.Codex, "codex", "resume")]
    public async Task Resume_ASessionWithANativeId_StartsThatCliOnItInTheRepoClone(HookCli cli, string binary, string verb)
    {
        var sessionId = await SodAsync();
        await RecordAsync(sessionId, cli, "native-42");

        var result = await _workspace.RunAsync("resume", sessionId, "--", "--verbose");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal([$"bin={binary}", $"cwd={_workspace.Repo}", $"arg={verb}", "arg=native-42", "arg=--verbose"], File.ReadAllLines(_record));
        Assert.Contains($"resuming {binary} session native-42 of {sessionId}", result.Error);
    }

    [Fact]
    public async Task Resume_ASessionWithoutANativeId_ExitsOneSayingHowToGetOne()
    {
        var sessionId = await SodAsync();

        var result = await _workspace.RunAsync("resume", sessionId);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no recorded CLI session to resume", result.Error);
        Assert.Contains("baton hooks install", result.Error);
        Assert.False(File.Exists(_record));
    }

    [Fact]
    public async Task Resume_WhenTheRepoIsNotClonedHere_ExitsOneNamingTheRepo()
    {
        var sessionId = await SodAsync();
        await RecordAsync(sessionId, HookCli.Claude, "native-42");
        var elsewhere = Path.Combine(_workspace.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        _workspace.Environment["BATON_REPO_ROOTS"] = elsewhere;

        var result = await _workspace.RunAsync("resume", sessionId);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("example-org/alpha-console (the repo of session", result.Error);
        Assert.Contains("is not cloned under " + elsewhere, result.Error);
        Assert.False(File.Exists(_record));
    }
}
