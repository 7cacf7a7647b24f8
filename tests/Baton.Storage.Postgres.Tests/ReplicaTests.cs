using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// Two <c>baton serve</c> processes over one PostgreSQL schema act as one server: retries replay on the other replica,
/// racing SODs leave one session, revocation and rate limits hold across both, and a replica killed mid-load loses
/// no write it answered.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    // High enough for every other test here, low enough that the shared-limit test reaches it in a second or two.
    private const int RateLimit = 600;
    private const string VenturesJson = """
        { "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
                          "capabilities": [], "platform": false, "note_tags": [] } ] }
        """;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("baton-replicas-").FullName;
    private string? _schema;
    private Replica _a = null!;
    private Replica _b = null!;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        (_schema, var storeUrl) = await TestDatabase.CreateSchemaAsync(CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "ventures.json"), VenturesJson);
        // The first replica applies the migrations and mints the admin key; the second finds both done.
        _a = await Replica.StartAsync(storeUrl, _dataDir, RateLimit);
        _b = await Replica.StartAsync(storeUrl, _dataDir, RateLimit);
        _adminKey = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "admin.key"))).Trim();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Client_AlternatingReplicasWithRetries_SeesOneServer()
    {
        using var a = _a.Client(_adminKey);
        using var b = _b.Client(_adminKey);
        var sodBody = new { agent = "claude-1", venture = "alpha", repo = "alpha-console" };

        var sod = await PostAsync(a, "/v1/sod", sodBody, "sod-1");
        var sodRetry = await PostAsync(b, "/v1/sod", sodBody, "sod-1");
        var sessionId = Json(sod.Body)["session"]!["id"]!.GetValue<string>();
        var beatB = await PostAsync(b, $"/v1/sessions/{sessionId}/heartbeat", new { }, null);
        var beatA = await PostAsync(a, $"/v1/sessions/{sessionId}/heartbeat", new { }, null);
        var eodBody = new { session_id = sessionId, summary = "Login form wired", status = "in_progress" };
        var eod = await PostAsync(b, "/v1/eod", eodBody, "eod-1");
        var eodRetry = await PostAsync(a, "/v1/eod", eodBody, "eod-1");
        var reused = await PostAsync(a, "/v1/eod", eodBody with { summary = "something else" }, "eod-1");
        var next = await PostAsync(b, "/v1/sod", sodBody, "sod-2");

        Assert.Equal(HttpStatusCode.OK, sod.Status);
        Assert.Equal(sod.Body, sodRetry.Body);
        Assert.True(sodRetry.Replayed, "a retry on the other replica replays the first answer");
        Assert.Equal(HttpStatusCode.OK, beatB.Status);
        Assert.Equal(HttpStatusCode.OK, beatA.Status);
        Assert.True(eod.Status == HttpStatusCode.OK, eod.Body);
        Assert.Equal(eod.Body, eodRetry.Body);
        Assert.True(eodRetry.Replayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Contains("Login form wired", Json(next.Body)["briefing"]!.GetValue<string>());
        Assert.NotEqual(sessionId, Json(next.Body)["session"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sod_RacingOnBothReplicas_EndsWithExactlyOneActiveSession()
    {
        using var a = _a.Client(_adminKey);
        using var b = _b.Client(_adminKey);
        var body = new { agent = "racer", venture = "alpha", repo = "alpha-console" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => PostAsync(i % 2 == 0 ? a : b, "/v1/sod", body, null)));
        var list = await a.GetStringAsync("/v1/sessions?venture=alpha&status=active&agent=racer");

        Assert.All(answers, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(answers.Select(r => Json(r.Body)["session"]!["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, Json(list)["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task KeyRevokedOnOneReplica_IsRefusedByTheOtherWithinASecond()
    {
        using var adminA = _a.Client(_adminKey);
        var created = await CreateAgentKeyAsync(adminA, "bot");
        using var botB = _b.Client(created["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await botB.GetAsync("/v1/sessions")).StatusCode); // now cached on B

        var revoke = await adminA.DeleteAsync($"/v1/admin/keys/{created["id"]!.GetValue<string>()}");
        var clock = Stopwatch.StartNew();
        var refused = await WaitUntilAsync(async () => (await botB.GetAsync("/v1/sessions")).StatusCode == HttpStatusCode.Unauthorized);

        Assert.True(revoke.IsSuccessStatusCode);
        Assert.True(refused, "B never refused the revoked key");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"B refused it after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task RateLimit_IsSharedByTheReplicas()
    {
        using var adminA = _a.Client(_adminKey);
        var key = (await CreateAgentKeyAsync(adminA, "busy"))["key"]!.GetValue<string>();
        using var a = _a.Client(key);
        using var b = _b.Client(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimit + 2; i++) statuses.Add((await (i % 2 == 0 ? a : b).GetAsync("/v1/sessions")).StatusCode);

        Assert.Equal(RateLimit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.TakeLast(2));
    }

    [Fact]
    public async Task SameKey_RacingOnBothReplicas_WritesOnceAndEveryRetryGetsThatWrite()
    {
        using var a = _a.Client(_adminKey);
        using var b = _b.Client(_adminKey);
        var keys = Enumerable.Range(0, 12).Select(i => $"race-{i}-{Guid.NewGuid():N}").ToList();
        object Body(string key) => new { venture = "alpha", title = "race " + key, content = "once" };

        // Each key is sent to both replicas at the same moment, twice over.
        var racing = await Task.WhenAll(keys.SelectMany(key => new[] { a, b, a, b }.Select(client => PostAsync(client, "/v1/notes", Body(key), key))));
        var settled = await Task.WhenAll(keys.Select(key => PostAsync(b, "/v1/notes", Body(key), key)));
        var list = Json(await a.GetStringAsync("/v1/notes?venture=alpha&limit=200"));

        // A racer either did (or reused) the write, or was told the key was in flight by the replica already answering.
        Assert.All(racing, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, r.Body));
        Assert.All(settled, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        var stored = list["items"]!.AsArray().Select(hit => hit!["note"]!).Where(n => n["title"]!.GetValue<string>().StartsWith("race ", StringComparison.Ordinal)).ToList();
        Assert.Equal(keys.Count, stored.Count);
        foreach (var (key, answer) in keys.Zip(settled))
        {
            var id = Json(answer.Body)["id"]!.GetValue<string>();
            Assert.Single(stored, n => n["title"]!.GetValue<string>() == "race " + key && n["id"]!.GetValue<string>() == id);
            Assert.All(racing.Where(r => r.Status == HttpStatusCode.Created && Json(r.Body)["title"]!.GetValue<string>() == "race " + key),
                r => Assert.Equal(id, Json(r.Body)["id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ReplicaKilledMidLoad_LosesNoAnsweredWrite()
    {
        using var a = _a.Client(_adminKey);
        using var b = _b.Client(_adminKey);
        var answered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var firstAnswers = new TaskCompletionSource();

        // Writers keep creating notes on A until it dies; A is killed once some answers are in, so writes are in flight.
        var writers = Enumerable.Range(0, 8).Select(async w =>
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    var response = await a.PostAsJsonAsync("/v1/notes", new { venture = "alpha", title = $"w{w} n{i}", content = "load" });
                    if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
                    answered.Add(Json(await response.Content.ReadAsStringAsync())["id"]!.GetValue<string>());
                    if (answered.Count >= 40) firstAnswers.TrySetResult();
                }
                catch (HttpRequestException)
                {
                    return; // A is gone
                }
            }
        }).ToList();
        await firstAnswers.Task.WaitAsync(TestTimeouts.Default);
        _a.Kill();
        await Task.WhenAll(writers).WaitAsync(TestTimeouts.Default);

        foreach (var id in answered)
            Assert.True((await b.GetAsync($"/v1/notes/{id}")).StatusCode == HttpStatusCode.OK, $"note {id} was answered by A but B cannot find it");
        Assert.True(answered.Count >= 40);
    }

    private sealed record Answer(HttpStatusCode Status, string Body, bool Replayed);

    [Fact]
    public async Task Next_WaitingOnOneReplica_IsWokenByAnAssignmentTheOtherReplicaMade()
    {
        using var a = _a.Client(_adminKey);
        using var b = _b.Client(_adminKey);
        var registered = await PostAsync(a, "/v1/agents", new
        {
            name = "kubectl-deployer", cli = "claude", max_concurrency = 1,
            capabilities = new[] { new { name = "deploy-service", weight = 0.8 } },
        }, null);
        Assert.True(registered.Status == HttpStatusCode.Created, registered.Body);
        var agent = Json(registered.Body)["agent"]!["id"]!.GetValue<string>();
        // Due in two seconds: replica A's dispatcher (poked by the add) assigns it then, while B's long poll is waiting;
        // B's own dispatcher was not poked and next wakes on its 30 s sweep.
        var added = await PostAsync(a, "/v1/tasks", new
        {
            venture = "alpha", capability = "deploy-service", title = "Deploy api", not_before = DateTimeOffset.UtcNow.AddSeconds(2),
        }, null);
        Assert.True(added.Status == HttpStatusCode.Created, added.Body);

        // Without the feed B's poll hears nothing and answers "no task" after its 20 s.
        var next = await PostAsync(b, $"/v1/agents/{agent}/next", new { wait_seconds = 20 }, null);

        Assert.True(next.Status == HttpStatusCode.OK, next.Body);
        Assert.Equal(Json(added.Body)["id"]!.GetValue<string>(), Json(next.Body)["task"]?["id"]?.GetValue<string>());
    }

    private static async Task<Answer> PostAsync(HttpClient client, string path, object body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), replayed);
    }

    private static async Task<JsonNode> CreateAgentKeyAsync(HttpClient admin, string name)
    {
        var created = await PostAsync(admin, "/v1/admin/keys", new { role = "agent", name }, null);
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        return Json(created.Body);
    }

    private static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new InvalidOperationException("empty JSON: " + text);

    /// <summary>Polls <paramref name="condition"/> until it holds or five seconds pass; no fixed sleep decides the outcome.</summary>
    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (await condition()) return true;
            await Task.Yield();
        }
        return false;
    }
}
