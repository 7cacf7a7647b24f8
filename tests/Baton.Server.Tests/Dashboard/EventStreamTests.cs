using System.Net;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// <c>GET /v1/events/stream</c> on a real Kestrel (docs/decisions/0034-change-feed.md): writes made through the API
/// arrive on an open stream; the kinds filter and the venture scope; Last-Event-ID replay without duplicates and the
/// reset when too far behind; the dashboard's auth (a forwarded request without a key is refused). And two servers on
/// one PostgreSQL database: a change written through one arrives on the other's stream, and a stream resumes there.
/// </summary>
public sealed class EventStreamTests
{
    private static async Task<string> SodAsync(TestServer server, HttpClient client, string agent, string venture = "alpha", string repo = "alpha-console") =>
        (await server.SodAsync(client, agent, venture, repo)).GetProperty("session").GetProperty("id").GetString()!;

    private static async Task HeartbeatAsync(HttpClient client, string sessionId)
    {
        using var response = await client.PostAsync($"/v1/sessions/{sessionId}/heartbeat", null);
        Assert.True(response.IsSuccessStatusCode, $"heartbeat answered {(int)response.StatusCode}");
    }

    private static async Task<string> CreateTaskAsync(HttpClient client, string venture = "alpha")
    {
        using var response = await client.PostAsync("/v1/tasks", TestServer.Json($$"""{"venture":"{{venture}}","capability":"deploy-service","title":"Deploy"}"""));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"task create answered {(int)response.StatusCode}: {json}");
        return json.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Stream_HeartbeatThroughTheApi_ArrivesAsASessionChange()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        await using var stream = await SseStream.OpenAsync(server.Client(null));
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        await HeartbeatAsync(server.Admin, sessionId);

        var change = await stream.NextAsync();
        Assert.Equal(ChangeKinds.Session, change.Event);
        Assert.Equal(sessionId, change.Subject);
        Assert.Equal("alpha", change.Venture);
        Assert.Equal(change.Seq, change.Json.GetProperty("seq").GetInt64());
        Assert.NotNull(stream.Retry);
    }

    [Fact]
    public async Task Stream_HookEventThroughTheApi_ArrivesUnderItsSession()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        await using var stream = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=hook_event");

        const string payload = """{"tool_name":"Bash","tool_input":{"command":"make"}}""";
        var hookEvent = $$"""{"id":"{{Some.Id(IdGenerator.Event)}}","cli":"claude","event":"PreToolUse","occurred_at":"{{Timestamp.ToWire(DateTimeOffset.UtcNow)}}","native_session_id":"n-1","session_id":"{{sessionId}}","payload":{{payload}}}""";
        using var post = await server.Admin.PostAsync("/v1/events", TestServer.Json($$"""{"events":[{{hookEvent}}]}"""));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        var change = await stream.NextAsync();
        Assert.Equal(ChangeKinds.HookEvent, change.Event);
        Assert.Equal(sessionId, change.Subject);
    }

    [Fact]
    public async Task Stream_TaskAddedThroughTheApi_ArrivesAsATaskChange()
    {
        await using var server = await TestServer.StartAsync();
        await using var stream = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=task");

        var taskId = await CreateTaskAsync(server.Admin);

        var change = await stream.NextAsync();
        Assert.Equal(ChangeKinds.Task, change.Event);
        Assert.Equal(taskId, change.Subject);
        Assert.Equal("alpha", change.Venture);
    }

    [Fact]
    public async Task Stream_KindsFilter_LeavesOutOtherKinds()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        await using var stream = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=task,handoff");

        // The heartbeat commits first: unfiltered, its change would come before the task's.
        await HeartbeatAsync(server.Admin, sessionId);
        var taskId = await CreateTaskAsync(server.Admin);

        var first = await stream.NextAsync();
        Assert.Equal((ChangeKinds.Task, taskId), (first.Event, first.Subject));
    }

    [Fact]
    public async Task Stream_UnknownKind_Is400()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/v1/events/stream?kinds=task,<script>alert(1)</script>");
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Stream_VentureScopedKey_GetsOnlyItsVentureAndFleetWideChanges()
    {
        await using var server = await TestServer.StartAsync();
        var (_, betaKey) = await server.CreateKeyAsync("agent", venture: "beta");
        var alphaSession = await SodAsync(server, server.Admin, "claude-alpha");
        var betaSession = await SodAsync(server, server.Admin, "claude-beta", "beta", "beta-api");
        await using var stream = await SseStream.OpenAsync(server.Client(betaKey));

        await HeartbeatAsync(server.Admin, alphaSession);
        using (var machine = await server.Admin.PostAsync("/v1/machines", TestServer.Json("""{"hostname":"build-box-1","os":"linux","arch":"x64"}""")))
            Assert.True(machine.IsSuccessStatusCode, $"machine register answered {(int)machine.StatusCode}");
        await HeartbeatAsync(server.Admin, betaSession);

        var seen = await stream.UntilAsync(e => e.Subject == betaSession);
        Assert.DoesNotContain(seen, e => e.Venture == "alpha");
        Assert.Contains(seen, e => e.Event == ChangeKinds.Machine && e.Venture is null);
    }

    [Fact]
    public async Task Stream_VentureScopedKeyNamingAnotherVenture_Is403()
    {
        await using var server = await TestServer.StartAsync();
        var (_, betaKey) = await server.CreateKeyAsync("agent", venture: "beta");

        using var response = await server.Client(betaKey).GetAsync("/v1/events/stream?venture=alpha");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Stream_VentureQuery_NarrowsAnAdminsStream()
    {
        await using var server = await TestServer.StartAsync();
        var alphaSession = await SodAsync(server, server.Admin, "claude-alpha");
        var betaSession = await SodAsync(server, server.Admin, "claude-beta", "beta", "beta-api");
        await using var stream = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?venture=beta&kinds=session");

        await HeartbeatAsync(server.Admin, alphaSession);
        await HeartbeatAsync(server.Admin, betaSession);

        var first = await stream.NextAsync();
        Assert.Equal(betaSession, first.Subject);
    }

    [Fact]
    public async Task Stream_ForwardedRequestWithoutAKey_Is401()
    {
        await using var server = await TestServer.StartAsync();

        await using var stream = await SseStream.OpenAsync(server.Client(null), configure: r => r.Headers.Add("X-Forwarded-For", "203.0.113.7"));

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
    }

    [Fact]
    public async Task Stream_WithLastEventId_ReplaysWhatCameAfterThenGoesLiveWithoutDuplicates()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        long firstSeq;
        var missed = new List<long>();
        await using (var first = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=session"))
        {
            await HeartbeatAsync(server.Admin, sessionId);
            firstSeq = (await first.NextAsync()).Seq;
        }
        // Written while no stream was open.
        await HeartbeatAsync(server.Admin, sessionId);
        await HeartbeatAsync(server.Admin, sessionId);
        missed.AddRange((await server.Store.ReadChangesAsync(firstSeq, 10, CancellationToken.None)).Select(c => c.Seq));
        Assert.Equal(2, missed.Count);

        await using var resumed = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=session", firstSeq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await HeartbeatAsync(server.Admin, sessionId);
        var live = (await server.Store.LatestChangeSeqAsync(CancellationToken.None));

        var seen = await resumed.UntilAsync(e => e.Seq == live);
        Assert.Equal([.. missed, live], seen.Select(e => e.Seq));
    }

    [Fact]
    public async Task Stream_LastEventIdAsAQueryValue_ReplaysToo()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        var before = await server.Store.LatestChangeSeqAsync(CancellationToken.None);
        await HeartbeatAsync(server.Admin, sessionId);

        await using var stream = await SseStream.OpenAsync(server.Client(null), $"/v1/events/stream?last_event_id={before}");

        var replayed = await stream.NextAsync();
        Assert.Equal((ChangeKinds.Session, sessionId), (replayed.Event, replayed.Subject));
        Assert.True(replayed.Seq > before);
    }

    [Fact]
    public async Task Stream_LastEventIdTooFarBehind_SendsOneResetThenGoesLive()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = await SodAsync(server, server.Admin, "claude-laptop");
        var behind = await server.Store.LatestChangeSeqAsync(CancellationToken.None);
        // More changes than one replay may carry, written straight to the store (a thousand requests would be slow).
        await Task.WhenAll(Enumerable.Range(0, ChangeLog.MaxRead + 1).Select(i =>
            server.Store.TouchSessionAsync(sessionId, null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(45), CancellationToken.None)));

        await using var stream = await SseStream.OpenAsync(server.Client(null), "/v1/events/stream?kinds=session", behind.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reset = await stream.NextAsync();
        await HeartbeatAsync(server.Admin, sessionId);
        var live = await stream.NextAsync();

        Assert.Equal("reset", reset.Event);
        Assert.Null(reset.Id);
        Assert.Equal(ChangeKinds.Session, live.Event);
        Assert.Equal(await server.Store.LatestChangeSeqAsync(CancellationToken.None), live.Seq);
    }

    [Fact]
    public async Task Stream_LastEventIdNotInTheLog_SendsAReset()
    {
        await using var server = await TestServer.StartAsync();

        await using var stream = await SseStream.OpenAsync(server.Client(null), lastEventId: "987654321");

        Assert.Equal("reset", (await stream.NextAsync()).Event);
    }

    [Fact]
    public async Task Stream_MalformedLastEventId_Is400()
    {
        await using var server = await TestServer.StartAsync();

        await using var stream = await SseStream.OpenAsync(server.Client(null), lastEventId: "\"><img src=x onerror=alert(1)>");

        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
    }

    // ---- two replicas on one PostgreSQL database ----


    /// <summary>Replica A, then replica B on the same schema with A's admin key (B finds an admin and mints none).</summary>
    private static async Task<(TestServer A, TestServer B)> StartReplicasAsync(string url)
    {
        var a = await TestServer.StartAsync(o => { o.Store = "postgres"; o.StoreUrl = url; });
        var b = await TestServer.StartAsync(o =>
        {
            o.Store = "postgres";
            o.StoreUrl = url;
            File.WriteAllText(Path.Combine(o.DataDir, "admin.key"), a.AdminKey + "\n");
        });
        return (a, b);
    }

    [PostgresFact]
    public async Task Stream_TwoPostgresReplicas_HeartbeatThroughAArrivesOnBsStream()
    {
        await using var schema = await TempPostgresSchema.CreateAsync("feed");
        var url = schema.Url;
        var (a, b) = await StartReplicasAsync(url);
        await using (a)
        await using (b)
        {
            var sessionId = await SodAsync(a, a.Admin, "claude-laptop");
            await using var stream = await SseStream.OpenAsync(b.Client(null), "/v1/events/stream?kinds=session");

            await HeartbeatAsync(a.Admin, sessionId);

            var change = await stream.NextAsync();
            Assert.Equal((ChangeKinds.Session, sessionId), (change.Event, change.Subject));
        }
    }

    [PostgresFact]
    public async Task Stream_TwoPostgresReplicas_LastEventIdFromAResumesOnBWithoutDuplicates()
    {
        await using var schema = await TempPostgresSchema.CreateAsync("feed");
        var url = schema.Url;
        var (a, b) = await StartReplicasAsync(url);
        await using (a)
        await using (b)
        {
            var sessionId = await SodAsync(a, a.Admin, "claude-laptop");
            long lastSeen;
            await using (var onA = await SseStream.OpenAsync(a.Client(null), "/v1/events/stream?kinds=session"))
            {
                await HeartbeatAsync(a.Admin, sessionId);
                lastSeen = (await onA.NextAsync()).Seq;
            }
            await HeartbeatAsync(a.Admin, sessionId);
            var missed = (await a.Store.ReadChangesAsync(lastSeen, 10, CancellationToken.None)).Select(c => c.Seq).ToList();

            await using var onB = await SseStream.OpenAsync(b.Client(null), "/v1/events/stream?kinds=session", lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await HeartbeatAsync(a.Admin, sessionId);
            var live = await a.Store.LatestChangeSeqAsync(CancellationToken.None);

            var seen = await onB.UntilAsync(e => e.Seq == live);
            Assert.Equal([.. missed, live], seen.Select(e => e.Seq));
        }
    }
}
