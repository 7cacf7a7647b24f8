using System.Text.Json;
using Baton.Cli.Hooks;
using Baton.Cli.Tests.Process;

namespace Baton.Cli.Tests.Hooks;

/// <summary>
/// The whole path with real processes: <c>baton hook</c> appends to the outbox while the server is down, <c>baton hook
/// flush</c> forwards it to a real <c>baton serve</c> once it is up — every event exactly once, in order — and the
/// session's events and the waiting queue show what the hooks said.
/// </summary>
public sealed class HookEndToEndTests : IAsyncLifetime
{
    private readonly Workspace _workspace = new();
    private ServeProcess _server = null!;

    public async Task InitializeAsync()
    {
        // The hook's own detached sender is off: this test decides when the outbox is forwarded.
        _workspace.Environment[HookCommand.FlushVariable] = "off";
        _workspace.Environment["BATON_AGENT"] = "alice";
        _server = await _workspace.StartServeAsync();
        _workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        _workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _workspace.Dispose();
    }

    private static string Payload(string evt, string extra) =>
        $$"""{"session_id":"claude-native-1","transcript_path":"/t/1.jsonl","cwd":"/work/alpha","hook_event_name":"{{evt}}",{{extra}}}""";

    [Fact]
    public async Task HookThenFlush_ServerDownThenUp_EveryEventStoredOnceInOrderAndTheWaitShows()
    {
        var sod = await _workspace.RunAsync("sod", "--json");
        Assert.True(sod.ExitCode == 0, sod.ToString());
        using var started = JsonDocument.Parse(sod.Out);
        var sessionId = started.RootElement.GetProperty("session").GetProperty("id").GetString()!;

        // Server "down": the hooks fire against a port nobody listens on, and still exit 0 silently.
        var down = new Dictionary<string, string>(_workspace.Environment) { ["BATON_URL"] = "http://127.0.0.1:9" };
        var hooks = new[]
        {
            Payload("PreToolUse", "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"make test\"}"),
            Payload("PostToolUse", "\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"src/app.cs\"},\"tool_response\":{}"),
            Payload("Notification", "\"notification_type\":\"permission_prompt\",\"message\":\"Claude needs your permission to use Bash\""),
        };
        foreach (var payload in hooks)
        {
            var hook = await BatonProcess.RunAsync(_workspace.StartInfo(down, ["hook", "claude"]), payload);
            Assert.Equal((0, ""), (hook.ExitCode, hook.Out));
        }
        var failed = await _workspace.RunWithAsync(down, "hook", "flush", "--json");
        Assert.Equal(1, failed.ExitCode);

        // Server up: one flush forwards all three; a second finds nothing left to send.
        var flushed = await _workspace.RunAsync("hook", "flush", "--json");
        var again = await _workspace.RunAsync("hook", "flush", "--json");
        var events = await _workspace.RunAsync("events", sessionId, "--json");
        var waiting = await _workspace.RunAsync("waiting", "--json");

        Assert.True(flushed.ExitCode == 0, flushed.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        using var list = JsonDocument.Parse(events.Out);
        Assert.Equal(3, list.RootElement.GetProperty("total").GetInt64());
        var names = list.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(["Notification", "PostToolUse", "PreToolUse"], names); // newest first: the hooks' order, reversed
        using var queue = JsonDocument.Parse(waiting.Out);
        var wait = Assert.Single(queue.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(sessionId, wait.GetProperty("session_id").GetString());
        using var outbox = HookOutbox.Open(_workspace.DataDir);
        Assert.Empty(outbox.Oldest(10));
    }
}
