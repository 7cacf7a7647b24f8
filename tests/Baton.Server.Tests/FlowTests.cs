using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>The newcomer's story from issue 2, end to end over HTTP.</summary>
public sealed class FlowTests
{
    [Fact]
    public async Task TwoAgents_SeeEachOther_HandOff_AndTheNextSodShowsTheHandoff()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key1) = await server.CreateKeyAsync("agent", "alpha");
        var (_, key2) = await server.CreateKeyAsync("agent", "alpha");
        var agent1 = server.Client(key1);
        var agent2 = server.Client(key2);

        var sod1 = await server.SodAsync(agent1, "claude-laptop", track: "api");
        var sod2 = await server.SodAsync(agent2, "codex-desktop", track: "web");
        var sod1Again = await server.SodAsync(agent1, "claude-laptop", track: "api");

        // Each sees the other, never itself.
        Assert.Contains("claude-laptop", AgentsIn(sod2.GetProperty("active_sessions")));
        Assert.DoesNotContain("codex-desktop", AgentsIn(sod2.GetProperty("active_sessions")));
        Assert.Contains("claude-laptop", sod2.GetProperty("briefing").GetString());
        Assert.Contains("codex-desktop", AgentsIn(sod1Again.GetProperty("active_sessions")));
        Assert.Contains("codex-desktop", sod1Again.GetProperty("briefing").GetString());

        using var eod = await agent1.PostAsync("/v1/eod", TestServer.Json($$"""
            {"session_id":"{{sod1.GetProperty("session").GetProperty("id").GetString()}}",
             "summary":"Idempotency layer done; rate limits next","status":"in_progress",
             "accomplished":["idempotency"],"next_steps":["rate limits"],"to_agent":"codex-desktop"}
            """));
        Assert.Equal(HttpStatusCode.OK, eod.StatusCode);

        var next = await server.SodAsync(agent1, "claude-laptop", track: "api");

        Assert.False(next.GetProperty("resumed").GetBoolean());
        var last = next.GetProperty("last_handoff");
        Assert.Equal("Idempotency layer done; rate limits next", last.GetProperty("summary").GetString());
        Assert.Equal("rate limits", last.GetProperty("payload").GetProperty("next_steps")[0].GetString());
        Assert.Contains("Idempotency layer done", next.GetProperty("briefing").GetString());
    }

    [Fact]
    public async Task CrossVentureHandoff_AppearsInTheTargetsNextSodUnderAddressedHandoffs()
    {
        await using var server = await TestServer.StartAsync();
        var (_, betaKey) = await server.CreateKeyAsync("agent", "beta");
        var (_, alphaKey) = await server.CreateKeyAsync("agent", "alpha");

        using var created = await server.Client(betaKey).PostAsync("/v1/handoffs", TestServer.Json("""
            {"venture":"beta","to_venture":"alpha","repo":"beta-api","from_agent":"b-agent",
             "summary":"alpha-console breaks our API client on null dates","status":"blocked"}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var sod = await server.SodAsync(server.Client(alphaKey), "a-agent");

        var addressed = sod.GetProperty("addressed_handoffs");
        Assert.Equal(1, addressed.GetProperty("total").GetInt32());
        var handoff = addressed.GetProperty("items")[0];
        Assert.Equal("beta", handoff.GetProperty("source_venture").GetString());
        Assert.Equal("alpha-console breaks our API client on null dates", handoff.GetProperty("summary").GetString());
        Assert.Contains("alpha-console breaks our API client on null dates", sod.GetProperty("briefing").GetString());
    }

    private static List<string?> AgentsIn(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("agent").GetString()).ToList();
}
