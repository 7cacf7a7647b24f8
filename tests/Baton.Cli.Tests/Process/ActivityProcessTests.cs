using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// The built <c>baton</c> reading hook events in local mode: <c>baton events</c> and <c>baton waiting</c>. The events
/// are recorded through the services on the same data directory (what the hook's sender does in local mode).
/// </summary>
public sealed class ActivityProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private async Task RecordAsync(params HookEventInput[] events)
    {
        await using var runtime = await BatonRuntime.StartAsync(
            new ServiceCollection().AddBaton(new BatonOptions(), new StoreOptions { DataDir = _workspace.DataDir }), TestTimeouts.Token());
        var answer = await runtime.For(Caller.Local(IdGenerator.NewCorrelationId())).Activity.RecordEventsAsync(new RecordEventsRequest(events), TestTimeouts.Token());
        Assert.Equal(events.Length, answer.Stored);
    }

    [Fact]
    public async Task EventsAndWaiting_AfterASessionsHooksReported_ListItsEventsAndItsWait()
    {
        var sod = await _workspace.RunAsync("sod", "--agent", "alice", "--json");
        Assert.True(sod.ExitCode == 0, sod.ToString());
        using var started = JsonDocument.Parse(sod.Out);
        var sessionId = started.RootElement.GetProperty("session").GetProperty("id").GetString()!;
        var ids = new IdGenerator(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        await RecordAsync(
            new HookEventInput(ids.New(IdGenerator.Event), HookCli.Claude, "PreToolUse", now.AddSeconds(-90), "native-1", SessionId: sessionId,
                Payload: new JsonObject { ["tool_name"] = "Bash", ["tool_input"] = new JsonObject { ["command"] = "make test" } }),
            new HookEventInput(ids.New(IdGenerator.Event), HookCli.Claude, "Notification", now.AddSeconds(-80), "native-1",
                Payload: new JsonObject { ["notification_type"] = "permission_prompt", ["message"] = "Claude needs your permission to use Bash" }));

        var events = await _workspace.RunAsync("events", sessionId);
        var waiting = await _workspace.RunAsync("waiting", "--venture", "alpha");
        var waitingJson = await _workspace.RunAsync("waiting", "--json");

        Assert.True(events.ExitCode == 0, events.ToString());
        Assert.Contains("Bash: make test", events.Out);
        Assert.Contains("Notification", events.Out);
        Assert.Contains("2 events", events.Out);
        Assert.True(waiting.ExitCode == 0, waiting.ToString());
        Assert.Contains(sessionId, waiting.Out);
        Assert.Contains("permission_prompt", waiting.Out);
        Assert.Contains("1 min", waiting.Out);
        Assert.Contains("1 waiting session", waiting.Out);
        using var json = JsonDocument.Parse(waitingJson.Out);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
        Assert.Equal("Claude needs your permission to use Bash", json.RootElement.GetProperty("items")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Events_UnknownSession_ExitsOneNamingTheProblem()
    {
        var result = await _workspace.RunAsync("events", new IdGenerator(TimeProvider.System).New(IdGenerator.Session));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("session_not_found", result.Error);
    }
}
