using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class IdempotencyTests
{
    private const string SodBody = """{"agent":"a1","venture":"alpha","repo":"alpha-console"}""";

    [Fact]
    public async Task Repeat_WithSameKeyAndBody_ReplaysTheFirstAnswerByteForByte()
    {
        await using var server = await TestServer.StartAsync();

        using var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody, "key-1");
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        using var second = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody, "key-1");
        var secondBytes = await second.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBytes, secondBytes);
        Assert.Equal(first.Content.Headers.ContentType?.ToString(), second.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Repeat_OfAClientError_ReplaysTheSameProblem()
    {
        await using var server = await TestServer.StartAsync();
        const string body = """{"agent":"a1","venture":"gamma","repo":"g"}""";

        using var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", body, "key-404");
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        // The venture now exists, but the key's first answer stands.
        using (var put = await server.Admin.PutAsync("/v1/ventures/gamma", TestServer.Json("""{"name":"Gamma","org":"example-org"}""")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var second = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", body, "key-404");

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBytes, await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Repeat_WithSameKeyButDifferentBody_Is422IdempotencyKeyReused()
    {
        await using var server = await TestServer.StartAsync();
        using (var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody, "key-2"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody.Replace("a1", "a2"), "key-2");
        var problem = await TestServer.ReadJsonAsync(second);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("idempotency_key_reused", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task SameKey_ForAnotherActor_IsIndependent()
    {
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent");
        using (var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody, "shared-key"))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await SendAsync(server.Client(agentKey), HttpMethod.Post, "/v1/sod", SodBody.Replace("a1", "a2"), "shared-key");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Repeat_WhileTheFirstIsStillRunning_Is409InFlight_ThenReplaysOnceItFinished()
    {
        GatedStore? gated = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => gated = new GatedStore(inner));
        gated!.Armed = true;
        const string body = """{"name":"Gamma","org":"example-org"}""";

        var firstTask = SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/gamma", body, "key-3");
        await gated.Entered.WaitAsync(TestTimeouts.Default);
        using var whileRunning = await SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/gamma", body, "key-3");
        var problem = await TestServer.ReadJsonAsync(whileRunning);
        gated.Release();
        using var first = await firstTask;
        using var afterwards = await SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/gamma", body, "key-3");

        Assert.Equal(HttpStatusCode.Conflict, whileRunning.StatusCode);
        Assert.Equal("idempotency_key_in_flight", problem.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("true", afterwards.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await afterwards.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Repeat_AfterAServerFailureBeforeAnyWrite_RunsAgain()
    {
        GatedStore? gated = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => gated = new GatedStore(inner));
        gated!.FailNextUpsert = true;
        const string body = """{"name":"Gamma","org":"example-org"}""";

        using var failed = await SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/gamma", body, "key-5");
        using var retried = await SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/gamma", body, "key-5");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Created_ReplayKeepsStatus201()
    {
        await using var server = await TestServer.StartAsync();
        const string body = """{"role":"agent","name":"ci"}""";

        using var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/admin/keys", body, "key-6");
        using var second = await SendAsync(server.Admin, HttpMethod.Post, "/v1/admin/keys", body, "key-6");
        using var list = await server.Admin.GetAsync("/v1/admin/keys");
        var keys = await TestServer.ReadJsonAsync(list);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, keys.GetProperty("total").GetInt32()); // the admin key and one "ci" key, not two
    }

    [Fact]
    public async Task Key_ThatIsNotPrintable_Is400NamingTheHeader()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await SendAsync(server.Admin, HttpMethod.Post, "/v1/sod", SodBody, new string('k', 300));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    private const string HandoffBody = """{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"Wired the form","status":"in_progress"}""";

    private static async Task<int> HandoffCountAsync(TestServer server) =>
        (await TestServer.ReadJsonAsync(await server.Admin.GetAsync("/v1/handoffs?venture=alpha"))).GetProperty("total").GetInt32();

    [Fact]
    public async Task Retry_AfterTheWriteCommittedButItsAnswerWasLost_IsAnsweredFromTheWriteAndWritesNothingTwice()
    {
        AnswerLosingStore? losing = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => losing = new AnswerLosingStore(inner));
        losing!.LoseAnswers = true;

        using var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/handoffs", HandoffBody, "lost-1");
        using var retry = await SendAsync(server.Admin, HttpMethod.Post, "/v1/handoffs", HandoffBody, "lost-1");
        var firstId = (await TestServer.ReadJsonAsync(first)).GetProperty("id").GetString();
        var retryId = (await TestServer.ReadJsonAsync(retry)).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstId, retryId);
        Assert.Equal(1, await HandoffCountAsync(server));
    }

    [Fact]
    public async Task Retry_AfterAServerFailureThatFollowedTheWrite_GetsThatWriteInsteadOfASecondOne()
    {
        AnswerLosingStore? losing = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => losing = new AnswerLosingStore(inner));
        losing!.FailAfterNextHandoff = true;

        using var failed = await SendAsync(server.Admin, HttpMethod.Post, "/v1/handoffs", HandoffBody, "after-commit-1");
        using var retry = await SendAsync(server.Admin, HttpMethod.Post, "/v1/handoffs", HandoffBody, "after-commit-1");
        using var replay = await SendAsync(server.Admin, HttpMethod.Post, "/v1/handoffs", HandoffBody, "after-commit-1");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await retry.Content.ReadAsByteArrayAsync(), await replay.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, await HandoffCountAsync(server));
    }

    [Fact]
    public async Task Retry_OfAKeyCreationWhoseAnswerWasLost_SaysTheSecretIsLostAndMakesNoSecondKey()
    {
        AnswerLosingStore? losing = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => losing = new AnswerLosingStore(inner));
        losing!.LoseAnswers = true;
        const string body = """{"role":"agent","name":"ci"}""";

        using var first = await SendAsync(server.Admin, HttpMethod.Post, "/v1/admin/keys", body, "key-lost");
        using var retry = await SendAsync(server.Admin, HttpMethod.Post, "/v1/admin/keys", body, "key-lost");
        var created = await TestServer.ReadJsonAsync(first);
        var problem = await TestServer.ReadJsonAsync(retry);
        var keys = await TestServer.ReadJsonAsync(await server.Admin.GetAsync("/v1/admin/keys"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal("key_secret_lost", problem.GetProperty("code").GetString());
        Assert.Contains(created.GetProperty("id").GetString()!, problem.GetProperty("detail").GetString());
        Assert.Equal(2, keys.GetProperty("total").GetInt32()); // the admin key and one "ci" key, not two
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string body, string key)
    {
        var request = new HttpRequestMessage(method, url) { Content = TestServer.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
