using System.Net;
using Baton.Core.Common;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// The hook-event routes on a real server (docs/architecture.md §15): any key may post events, as any key may heartbeat;
/// a venture-scoped key only for its venture; unknown payload fields are fine, unknown request fields are not.
/// </summary>
public sealed class ActivityRoutesTests
{
    private static readonly IdGenerator Ids = new(TimeProvider.System);

    private static string Event(string? sessionId = null, string? venture = null, string name = "PreToolUse", string payload = """{"tool_name":"Bash","tool_input":{"command":"make"}}""") =>
        $$"""{"id":"{{Ids.New(IdGenerator.Event)}}","cli":"claude","event":"{{name}}","occurred_at":"{{Timestamp.ToWire(DateTimeOffset.UtcNow)}}","native_session_id":"n-1"{{(sessionId is null ? "" : $",\"session_id\":\"{sessionId}\"")}}{{(venture is null ? "" : $",\"venture\":\"{venture}\"")}},"payload":{{payload}}}""";

    [Fact]
    public async Task PostEvents_WithAnAgentKey_Is200AndTheEventIsListedUnderItsSession()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        var agent = server.Client(key);
        var sessionId = (await server.SodAsync(agent, "claude-laptop")).GetProperty("session").GetProperty("id").GetString()!;

        using var post = await agent.PostAsync("/v1/events", TestServer.Json($$"""{"events":[{{Event(sessionId, payload: """{"tool_name":"Bash","tool_input":{"command":"make"},"brand_new_field":{"a":1}}""")}}]}"""));
        var answer = await TestServer.ReadJsonAsync(post);
        using var list = await agent.GetAsync($"/v1/sessions/{sessionId}/events?limit=5");
        var page = await TestServer.ReadJsonAsync(list);

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(1, answer.GetProperty("stored").GetInt32());
        Assert.Equal("stored", answer.GetProperty("events")[0].GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        var stored = page.GetProperty("items")[0];
        Assert.Equal(("tool", "Bash: make", "claude"), (stored.GetProperty("kind").GetString(), stored.GetProperty("summary").GetString(), stored.GetProperty("cli").GetString()));
    }

    [Fact]
    public async Task PostEvents_AnUnknownFieldOfTheEvent_Is400UnknownField()
    {
        await using var server = await TestServer.StartAsync();
        var body = Event().Replace("\"cli\":", "\"clii\":\"claude\",\"cli\":", StringComparison.Ordinal);

        using var post = await server.Admin.PostAsync("/v1/events", TestServer.Json($$"""{"events":[{{body}}]}"""));
        var problem = await TestServer.ReadJsonAsync(post);

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("unknown_field", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task PostEvents_AScopedKeyNamingAnotherVenture_Is403()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        using var post = await server.Client(key).PostAsync("/v1/events", TestServer.Json($$"""{"events":[{{Event(venture: "alpha")}}]}"""));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task GetSessionEvents_AScopedKeyAndAnotherVenturesSession_Is403()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "claude-desk")).GetProperty("session").GetProperty("id").GetString();
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        using var list = await server.Client(key).GetAsync($"/v1/sessions/{sessionId}/events");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task GetWaiting_AScopedKey_SeesOnlyItsVentureAndAnotherVentureIs403()
    {
        await using var server = await TestServer.StartAsync();
        var alpha = (await server.SodAsync(server.Admin, "claude-a")).GetProperty("session").GetProperty("id").GetString();
        var beta = (await server.SodAsync(server.Admin, "claude-b", venture: "beta", repo: "beta-web")).GetProperty("session").GetProperty("id").GetString();
        const string Waits = """{"notification_type":"permission_prompt","message":"Allow?"}""";
        using var post = await server.Admin.PostAsync("/v1/events", TestServer.Json(
            $$"""{"events":[{{Event(alpha, name: "Notification", payload: Waits)}},{{Event(beta, name: "Notification", payload: Waits)}}]}"""));
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");
        var scoped = server.Client(key);

        using var mine = await scoped.GetAsync("/v1/waiting");
        var page = await TestServer.ReadJsonAsync(mine);
        using var other = await scoped.GetAsync("/v1/waiting?venture=alpha");
        using var all = await server.Admin.GetAsync("/v1/waiting");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        Assert.Equal(beta, page.GetProperty("items")[0].GetProperty("session_id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(2, (await TestServer.ReadJsonAsync(all)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task GetSessionEvents_ACursorTheListNeverGaveOut_Is400InvalidCursor()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "claude-c")).GetProperty("session").GetProperty("id").GetString();

        using var list = await server.Admin.GetAsync($"/v1/sessions/{sessionId}/events?cursor=nope");
        var problem = await TestServer.ReadJsonAsync(list);

        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Equal("invalid_cursor", problem.GetProperty("code").GetString());
    }
}
