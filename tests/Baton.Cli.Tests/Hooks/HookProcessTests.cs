using Baton.Cli.Hooks;
using Baton.Cli.Tests.Process;
using Baton.Core.Activity;

namespace Baton.Cli.Tests.Hooks;

/// <summary>The built <c>baton hook</c> as the agent CLIs run it: exit 0 and nothing on stdout, whatever happens.</summary>
public sealed class HookProcessTests : IDisposable
{
    private const string PreToolUse = """
        {"session_id":"c-1","transcript_path":"/t/c-1.jsonl","cwd":"/work/alpha","permission_mode":"default","hook_event_name":"PreToolUse",
         "tool_name":"Bash","tool_input":{"command":"dotnet test","description":"run the tests"},"tool_use_id":"toolu_1"}
        """;

    private readonly Workspace _workspace = new();

    public HookProcessTests() => _workspace.Environment[HookCommand.FlushVariable] = "off";

    public void Dispose() => _workspace.Dispose();

    private IReadOnlyList<OutboxRow> Rows()
    {
        using var outbox = HookOutbox.Open(_workspace.DataDir);
        return outbox.Oldest(100);
    }

    [Fact]
    public async Task Hook_ClaudePreToolUse_ExitsZeroSilentlyWithTheEventInTheOutbox()
    {
        var result = await _workspace.RunWithInputAsync(PreToolUse, "hook", "claude");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("", result.Error);
        var row = Assert.Single(Rows());
        Assert.Equal((HookCli.Claude, "PreToolUse", "c-1", "/work/alpha"), (row.Event.Cli!.Value, row.Event.Event, row.Event.NativeSessionId, row.Event.Cwd));
        Assert.True(IdGeneratorLike(row.Id));
    }

    [Fact]
    public async Task Hook_GarbageOnStdin_ExitsZeroSilentlyAndRecordsWhatItGot()
    {
        var result = await _workspace.RunWithInputAsync("{\"hook_event_name\":\"Notification\",\"message\":\"Claude needs", "hook", "claude");

        Assert.Equal((0, ""), (result.ExitCode, result.Out));
        var row = Assert.Single(Rows());
        Assert.Equal("Notification", row.Event.Event);
        Assert.NotNull(row.Event.Payload![HookPayloads.ParseProblemField]);
    }

    [Fact]
    public async Task Hook_CodexNotifyJsonAsTheLastArgument_IsRecorded()
    {
        var result = await _workspace.RunAsync("hook", "codex",
            """{"type":"agent-turn-complete","thread-id":"th-1","turn-id":"t-1","cwd":"/work/alpha","last-assistant-message":"Done."}""");

        Assert.Equal((0, ""), (result.ExitCode, result.Out));
        var row = Assert.Single(Rows());
        Assert.Equal(("agent-turn-complete", "th-1"), (row.Event.Event, row.Event.NativeSessionId));
    }

    [Fact]
    public async Task Hook_DataDirectoryCannotBeCreated_StillExitsZeroWithNothingOnStdout()
    {
        var blocker = Path.Combine(_workspace.Root, "a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var environment = new Dictionary<string, string>(_workspace.Environment) { ["BATON_DATA_DIR"] = Path.Combine(blocker, "baton") };

        var result = await BatonProcess.RunAsync(_workspace.StartInfo(environment, ["hook", "gemini", "BeforeTool"]), PreToolUse);

        Assert.Equal((0, ""), (result.ExitCode, result.Out));
        Assert.Contains("event not recorded", result.Error);
    }

    [Fact]
    public async Task Hook_ServerUnreachableWithTheSenderOn_ExitsZeroSilentlyAndKeepsTheEvent()
    {
        var environment = new Dictionary<string, string> { ["BATON_URL"] = "http://127.0.0.1:9", ["BATON_KEY"] = "bk_test" };

        var result = await BatonProcess.RunAsync(_workspace.StartInfo(environment, ["hook", "claude"]), PreToolUse);

        Assert.Equal((0, "", ""), (result.ExitCode, result.Out, result.Error));
        Assert.Single(Rows());
    }

    [Fact]
    public async Task Hook_SeveralProcessesAtOnce_EveryEventAppended()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _workspace.RunWithInputAsync(PreToolUse, "hook", "claude")));

        Assert.All(results, r => Assert.Equal((0, ""), (r.ExitCode, r.Out)));
        Assert.Equal(4, Rows().Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task Hook_LaunchedAgentWithOneRememberedSession_FillsAgentVentureRepoAndSession()
    {
        await File.WriteAllTextAsync(Path.Combine(_workspace.DataDir, "cli-sessions.json"),
            """{"claude-box|example-org/alpha-console|main":"sess_01KNOWN","other|example-org/beta-web|main":"sess_02"}""");
        var environment = new Dictionary<string, string>(_workspace.Environment) { ["BATON_AGENT"] = "claude-box", ["BATON_VENTURE"] = "alpha" };

        var result = await BatonProcess.RunAsync(_workspace.StartInfo(environment, ["hook", "claude"]), PreToolUse);

        Assert.Equal(0, result.ExitCode);
        var row = Assert.Single(Rows());
        Assert.Equal(("claude-box", "alpha", "example-org/alpha-console", "sess_01KNOWN"), (row.Event.Agent, row.Event.Venture, row.Event.Repo, row.Event.SessionId));
    }

    private static bool IdGeneratorLike(string id) => Baton.Core.Common.IdGenerator.IsId(id, HookPayloads.IdPrefix);
}

/// <summary><c>baton hooks install</c> as a person runs it.</summary>
public sealed class HooksInstallProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task HooksInstall_ThenAgain_InstallsOnceThenSaysAlreadyIn()
    {
        var settings = Path.Combine(_workspace.Home, ".claude", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, "{ \"model\": \"opus\" }\n");

        var first = await _workspace.RunAsync("hooks", "install", "--claude");
        var text = await File.ReadAllTextAsync(settings);
        var second = await _workspace.RunAsync("hooks", "install", "--claude");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"claude: installed in {settings}", first.Out);
        Assert.Contains("--bare", first.Out);
        Assert.StartsWith("{ \"model\": \"opus\",", text);
        Assert.Contains("hook claude", text);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains($"claude: already in {settings}", second.Out);
        Assert.Equal(text, await File.ReadAllTextAsync(settings));
    }

    [Fact]
    public async Task HooksInstallCheck_NothingInstalled_ExitsOneAndWritesNothing()
    {
        var result = await _workspace.RunAsync("hooks", "install", "--check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("gemini: would change", result.Out);
        Assert.False(File.Exists(Path.Combine(_workspace.Home, ".gemini", "settings.json")));
    }
}
