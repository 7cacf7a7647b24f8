using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>Every route's success answer and its shape on the wire (snake_case, list envelopes).</summary>
public sealed class RoutesTests
{
    [Fact]
    public async Task Sod_ForNewTuple_Is200WithNewSessionHeartbeatPlanAndBriefing()
    {
        await using var server = await TestServer.StartAsync();

        var sod = await server.SodAsync(server.Admin, "a1");

        var session = sod.GetProperty("session");
        Assert.StartsWith("sess_", session.GetProperty("id").GetString());
        Assert.Equal("active", session.GetProperty("status").GetString());
        Assert.False(sod.GetProperty("resumed").GetBoolean());
        Assert.InRange(sod.GetProperty("heartbeat").GetProperty("heartbeat_interval_seconds").GetInt32(), 480, 720);
        Assert.Contains(server.Server.BaseAddress.ToString().TrimEnd('/'), sod.GetProperty("briefing").GetString());
    }

    [Fact]
    public async Task Sod_Twice_ResumesTheSameSession()
    {
        await using var server = await TestServer.StartAsync();

        var first = await server.SodAsync(server.Admin, "a1");
        var second = await server.SodAsync(server.Admin, "a1");

        Assert.Equal(Id(first), Id(second));
        Assert.True(second.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task HeartbeatAndUpdate_OnActiveSession_Are200AndApplyTheUpdate()
    {
        await using var server = await TestServer.StartAsync();
        var id = Id(await server.SodAsync(server.Admin, "a1"));

        using var heartbeat = await server.Admin.PostAsync($"/v1/sessions/{id}/heartbeat", null);
        var beat = await TestServer.ReadJsonAsync(heartbeat);
        using var update = await server.Admin.PostAsync($"/v1/sessions/{id}/update", TestServer.Json("""{"branch":"feature/x","issue_number":7,"meta":{"step":2}}"""));
        var updated = await TestServer.ReadJsonAsync(update);
        using var get = await server.Admin.GetAsync($"/v1/sessions/{id}");
        var read = await TestServer.ReadJsonAsync(get);

        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.True(beat.GetProperty("heartbeat").TryGetProperty("next_heartbeat_at", out _));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("feature/x", updated.GetProperty("session").GetProperty("branch").GetString());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(7, read.GetProperty("issue_number").GetInt32());
        Assert.Equal(2, read.GetProperty("meta").GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task Eod_Is200EndingTheSessionWithAHandoffReceipt()
    {
        await using var server = await TestServer.StartAsync();
        var id = Id(await server.SodAsync(server.Admin, "a1"));

        using var response = await server.Admin.PostAsync("/v1/eod", TestServer.Json(
            $$"""{"session_id":"{{id}}","summary":"wired the pipeline","status":"in_progress","next_steps":["tests"]}"""));
        var eod = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ended", eod.GetProperty("session").GetProperty("status").GetString());
        var handoff = eod.GetProperty("handoff");
        Assert.StartsWith("ho_", handoff.GetProperty("id").GetString());
        Assert.Matches("^[0-9a-f]{64}$", handoff.GetProperty("payload_hash").GetString());
        Assert.True(handoff.GetProperty("payload_size_bytes").GetInt32() > 0);
    }

    [Fact]
    public async Task Eod_AgainWithADifferentSummary_Is409SessionAlreadyEndedNamingTheFirstHandoff_AndStoresNothing()
    {
        await using var server = await TestServer.StartAsync();
        var id = Id(await server.SodAsync(server.Admin, "a1"));
        using var first = await server.Admin.PostAsync("/v1/eod", TestServer.Json($$"""{"session_id":"{{id}}","summary":"wired the pipeline","status":"done"}"""));
        var firstHandoff = (await TestServer.ReadJsonAsync(first)).GetProperty("handoff").GetProperty("id").GetString()!;

        using var repeat = await server.Admin.PostAsync("/v1/eod", TestServer.Json($$"""{"session_id":"{{id}}","summary":"wired the pipeline","status":"done"}"""));
        using var other = await server.Admin.PostAsync("/v1/eod", TestServer.Json($$"""{"session_id":"{{id}}","summary":"also fixed the flaky test","status":"done"}"""));
        var problem = await TestServer.ReadJsonAsync(other);
        using var handoffs = await server.Admin.GetAsync("/v1/handoffs?venture=alpha");

        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(firstHandoff, (await TestServer.ReadJsonAsync(repeat)).GetProperty("handoff").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("session_already_ended", problem.GetProperty("code").GetString());
        Assert.Contains(firstHandoff, problem.GetProperty("detail").GetString());
        Assert.Contains("baton handoff", problem.GetProperty("detail").GetString());
        Assert.Equal(1, (await TestServer.ReadJsonAsync(handoffs)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ListSessions_Is200WithItemsExactTotalAndCursor()
    {
        await using var server = await TestServer.StartAsync();
        await server.SodAsync(server.Admin, "a1");
        await server.SodAsync(server.Admin, "a2");
        await server.SodAsync(server.Admin, "b1", venture: "beta", repo: "beta-api");

        using var response = await server.Admin.GetAsync("/v1/sessions?venture=alpha&status=active&limit=1");
        var page = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var cursor = page.GetProperty("next_cursor").GetString();
        Assert.False(string.IsNullOrEmpty(cursor));

        using var next = await server.Admin.GetAsync($"/v1/sessions?venture=alpha&status=active&limit=1&cursor={Uri.EscapeDataString(cursor!)}");
        var second = await TestServer.ReadJsonAsync(next);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.NotEqual(page.GetProperty("items")[0].GetProperty("id").GetString(), second.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task CreateAndListHandoffs_Are201And200WithFilters()
    {
        await using var server = await TestServer.StartAsync();

        using var created = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(
            """{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"half done","status":"in_progress","issue_number":7}"""));
        var receipt = await TestServer.ReadJsonAsync(created);
        using (var other = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(
                   """{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"other issue","status":"done","issue_number":8}""")))
            Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        using var listed = await server.Admin.GetAsync("/v1/handoffs?venture=alpha&repo=alpha-console&track=main&issue_number=7&limit=10");
        var page = await TestServer.ReadJsonAsync(listed);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("alpha", receipt.GetProperty("venture").GetString());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var handoff = page.GetProperty("items")[0];
        Assert.Equal(receipt.GetProperty("id").GetString(), handoff.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Object, handoff.GetProperty("payload").ValueKind);
    }

    [Fact]
    public async Task Ventures_ListGetAndPut_Are200()
    {
        await using var server = await TestServer.StartAsync();

        using var put = await server.Admin.PutAsync("/v1/ventures/gamma", TestServer.Json(
            """{"name":"Project Gamma","org":"example-org","repos":["gamma-web"],"capabilities":["has_api"]}"""));
        using var get = await server.Admin.GetAsync("/v1/ventures/gamma");
        var venture = await TestServer.ReadJsonAsync(get);
        using var list = await server.Admin.GetAsync("/v1/ventures");
        var page = await TestServer.ReadJsonAsync(list);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Project Gamma", venture.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(["alpha", "beta", "gamma"], page.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("code").GetString()));
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_Are201And200And200_AndListsNeverShowKeysOrHashes()
    {
        await using var server = await TestServer.StartAsync();

        using var created = await server.Admin.PostAsync("/v1/admin/keys", TestServer.Json("""{"role":"agent","name":"laptop","venture":"alpha"}"""));
        var key = await TestServer.ReadJsonAsync(created);
        using var list = await server.Admin.GetAsync("/v1/admin/keys");
        var listText = await list.Content.ReadAsStringAsync();
        var page = JsonDocument.Parse(listText).RootElement;
        using var revoke = await server.Admin.DeleteAsync($"/v1/admin/keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("bk_", key.GetProperty("key").GetString());
        Assert.Equal(16, key.GetProperty("actor_key_id").GetString()!.Length);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.DoesNotContain(key.GetProperty("key").GetString()!, listText);
        Assert.DoesNotContain(server.AdminKey, listText);
        Assert.DoesNotContain("key_hash", listText);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
    }

    [Fact]
    public async Task RevokeKey_ThatDoesNotExist_Is404KeyNotFound()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.DeleteAsync("/v1/admin/keys/key_nope");
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("key_not_found", problem.GetProperty("code").GetString());
    }

    private static string Id(JsonElement sod) => sod.GetProperty("session").GetProperty("id").GetString()!;
}
