using System.Net;
using System.Text;
using System.Text.Json;
using Baton.Core.Alerts;
using Baton.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Baton.Server.Tests;

/// <summary>
/// GitHub webhooks → alerts over a real server: signatures (good, bad, missing), replayed deliveries, ping, the
/// open → occurrence → resolve cycle for workflow_run and check_suite, unknown repos, and the version endpoint's schema check.
/// </summary>
public sealed class WebhookRoutesTests
{
    private const string Secret = "test-webhook-secret-0123456789";

    private static async Task<TestServer> StartWithSecretAsync(TimeProvider? clock = null)
    {
        var server = await TestServer.StartAsync(clock: clock);
        using var response = await server.Admin.PutAsync("/v1/admin/webhooks/github/secret", TestServer.Json($$"""{"secret":"{{Secret}}"}"""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(Secret, body);
        return server;
    }

    /// <summary>
    /// A <c>workflow_run</c> "completed" payload shaped like GitHub's documented one (the fields Baton reads, and some it
    /// doesn't). <paramref name="headRepo"/> (default: <paramref name="repo"/>) is where the run's head lives: a fork's
    /// for a pull request from one. <paramref name="minute"/> is when the run was created (minutes past 09:00 UTC).
    /// </summary>
    private static string WorkflowRun(string conclusion, string branch = "main", string repo = "example-org/alpha-console", string workflow = "CI",
        long runId = 30433642, string? headRepo = null, string @event = "push", long runNumber = 562, int minute = 0) => $$"""
        {
          "action": "completed",
          "workflow_run": {
            "id": {{runId}}, "name": "{{workflow}}", "head_branch": "{{branch}}", "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
            "event": "{{@event}}", "status": "completed", "conclusion": "{{conclusion}}",
            "html_url": "https://github.com/{{repo}}/actions/runs/{{runId}}", "run_number": {{runNumber}}, "run_attempt": 1,
            "created_at": "2026-11-22T09:{{minute:D2}}:00Z", "pull_requests": [],
            "head_repository": { "id": 217723378, "full_name": "{{headRepo ?? repo}}", "owner": { "login": "{{(headRepo ?? repo).Split('/')[0]}}" } },
            "repository": { "id": 186853002, "full_name": "{{repo}}" }
          },
          "workflow": { "id": 159038, "name": "{{workflow}}", "path": ".github/workflows/ci.yml" },
          "repository": { "id": 186853002, "name": "{{repo.Split('/')[1]}}", "full_name": "{{repo}}", "default_branch": "main",
                          "html_url": "https://github.com/{{repo}}", "owner": { "login": "{{repo.Split('/')[0]}}" } },
          "sender": { "login": "octocat" }
        }
        """;

    private static string CheckSuite(string conclusion, string branch = "main", string repo = "example-org/alpha-console", string app = "circleci-checks") => $$"""
        {
          "action": "completed",
          "check_suite": {
            "id": 118578147, "head_branch": "{{branch}}", "head_sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
            "status": "completed", "conclusion": {{(conclusion == "null" ? "null" : $"\"{conclusion}\"")}},
            "app": { "id": 15368, "slug": "{{app}}", "name": "{{(app == "github-actions" ? "GitHub Actions" : "CircleCI Checks")}}" }
          },
          "repository": { "id": 186853002, "full_name": "{{repo}}", "default_branch": "main", "html_url": "https://github.com/{{repo}}" },
          "sender": { "login": "octocat" }
        }
        """;

    private static Task<(HttpStatusCode Status, JsonElement Body)> DeliverAsync(
        TestServer server, string @event, string payload, string? delivery = null, string? signature = "sign", string secret = Secret) =>
        DeliverBytesAsync(server, @event, Encoding.UTF8.GetBytes(payload), delivery, signature, secret);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> DeliverBytesAsync(
        TestServer server, string @event, byte[] bytes, string? delivery = null, string? signature = "sign", string secret = Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/github") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        if (signature is not null) request.Headers.Add("X-Hub-Signature-256", signature == "sign" ? GitHubWebhook.Sign(secret, bytes) : signature);
        // No bearer key: the signature is the authentication.
        using var response = await server.Client(null).SendAsync(request);
        return (response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    private static async Task<JsonElement> AlertsAsync(TestServer server, string query = "venture=alpha")
    {
        using var response = await server.Admin.GetAsync($"/v1/alerts?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestServer.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Ping_SignedWithoutBearerKey_Is200Pong()
    {
        await using var server = await StartWithSecretAsync();

        var (status, body) = await DeliverAsync(server, "ping", """{"zen":"Keep it logically awesome.","hook_id":1,"repository":{"full_name":"example-org/alpha-console","default_branch":"main"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pong", body.GetProperty("result").GetString());
        Assert.Equal("alpha", body.GetProperty("venture").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=abc")]
    [InlineData("wrong-secret")]
    public async Task Delivery_WithMissingOrBadSignature_Is401AndChangesNothing(string? signature)
    {
        await using var server = await StartWithSecretAsync();

        var (status, body) = signature == "wrong-secret"
            ? await DeliverAsync(server, "workflow_run", WorkflowRun("failure"), secret: "another-secret-0123456789")
            : await DeliverAsync(server, "workflow_run", WorkflowRun("failure"), signature: signature);
        var alerts = await AlertsAsync(server);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.GetProperty("code").GetString());
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Delivery_BeforeAnySecretIsSet_Is401()
    {
        await using var server = await TestServer.StartAsync();

        var (status, _) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Delivery_WithBadSignatureAndInvalidJson_Is401NotA400_SoNothingWasParsed()
    {
        await using var server = await StartWithSecretAsync();

        var (status, _) = await DeliverAsync(server, "workflow_run", "{not json", signature: "sha256=" + new string('a', 64));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task WorkflowRun_FailureOccurrenceThenSuccess_OpensCountsAndResolvesRecordingTheEvent()
    {
        await using var server = await StartWithSecretAsync();

        var (s1, opened) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure"));
        var (s2, again) = await DeliverAsync(server, "workflow_run", WorkflowRun("timed_out", runId: 2));
        var open = await AlertsAsync(server);
        var (s3, resolved) = await DeliverAsync(server, "workflow_run", WorkflowRun("success", runId: 3), delivery: "green-delivery");
        var after = await AlertsAsync(server);
        var history = await AlertsAsync(server, "venture=alpha&status=resolved");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { s1, s2, s3 });
        Assert.Equal("opened", opened.GetProperty("alert_change").GetString());
        Assert.Equal("occurrence", again.GetProperty("alert_change").GetString());
        Assert.Equal("resolved", resolved.GetProperty("alert_change").GetString());
        var alert = open.GetProperty("items")[0];
        Assert.Equal(1, open.GetProperty("total").GetInt32());
        Assert.StartsWith("alert_", alert.GetProperty("id").GetString());
        Assert.Equal(2, alert.GetProperty("occurrences").GetInt32());
        Assert.Equal("example-org/alpha-console", alert.GetProperty("repo").GetString());
        Assert.Equal("CI", alert.GetProperty("workflow").GetString());
        Assert.Equal("main", alert.GetProperty("branch").GetString());
        Assert.Equal("open", alert.GetProperty("status").GetString());
        Assert.Equal(0, after.GetProperty("total").GetInt32());
        var closed = history.GetProperty("items")[0];
        Assert.Equal("resolved", closed.GetProperty("status").GetString());
        Assert.Equal("github:workflow_run:green-delivery:3", closed.GetProperty("resolved_by").GetString());
    }

    [Fact]
    public async Task CheckSuite_FailureThenSuccess_OpensAndResolves_AndAnUnfinishedSuiteChangesNothing()
    {
        await using var server = await StartWithSecretAsync();

        var (_, opened) = await DeliverAsync(server, "check_suite", CheckSuite("startup_failure"));
        var (_, pending) = await DeliverAsync(server, "check_suite", CheckSuite("null"));
        var open = await AlertsAsync(server);
        var (_, resolved) = await DeliverAsync(server, "check_suite", CheckSuite("success"));

        Assert.Equal("opened", opened.GetProperty("alert_change").GetString());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("alert_change").ValueKind);
        Assert.Equal("CircleCI Checks", open.GetProperty("items")[0].GetProperty("workflow").GetString());
        Assert.Equal("check_suite", open.GetProperty("items")[0].GetProperty("source").GetString());
        Assert.Equal("resolved", resolved.GetProperty("alert_change").GetString());
    }

    [Fact]
    public async Task CheckSuite_FromGitHubActions_IsAcknowledgedButLeftToWorkflowRun()
    {
        await using var server = await StartWithSecretAsync();

        var (status, answer) = await DeliverAsync(server, "check_suite", CheckSuite("failure", app: "github-actions"));
        var alerts = await AlertsAsync(server);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("alert_change").ValueKind);
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Delivery_Replayed_IsAcknowledgedAndIgnored()
    {
        await using var server = await StartWithSecretAsync();

        var (first, _) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure"), delivery: "d-1");
        var (second, replay) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure"), delivery: "d-1");
        var alerts = await AlertsAsync(server);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal("duplicate", replay.GetProperty("result").GetString());
        Assert.Equal(1, alerts.GetProperty("items")[0].GetProperty("occurrences").GetInt32());
    }

    [Fact]
    public async Task Delivery_ForARepoNoVentureOwns_IsCountedAndReported()
    {
        await using var server = await StartWithSecretAsync();

        var (status, body) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", repo: "stranger-org/unknown"));
        var alerts = await AlertsAsync(server, "");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("venture").ValueKind);
        Assert.Contains("No registered venture owns stranger-org/unknown", body.GetProperty("message").GetString());
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
        Assert.Equal(1, alerts.GetProperty("unowned_deliveries").GetInt32());
        Assert.Equal("stranger-org/unknown", alerts.GetProperty("unowned_repos")[0].GetString());
    }

    [Fact]
    public async Task Ping_FromAnOrganizationHookWithoutARepository_IsPong_AndNotCountedAsUnowned()
    {
        await using var server = await StartWithSecretAsync();

        var (status, body) = await DeliverAsync(server, "ping", """
            {"zen":"Design for failure.","hook_id":2,"hook":{"type":"Organization","events":["workflow_run"]},"organization":{"login":"example-org"},"sender":{"login":"octocat"}}
            """);
        var alerts = await AlertsAsync(server, "");
        var briefing = (await server.SodAsync(server.Admin, "a1")).GetProperty("briefing").GetString()!;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pong", body.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("venture").ValueKind);
        Assert.Equal(0, alerts.GetProperty("unowned_deliveries").GetInt32());
        Assert.Empty(alerts.GetProperty("unowned_repos").EnumerateArray());
        Assert.DoesNotContain("no venture owns", briefing);
    }

    [Fact]
    public async Task WorkflowRun_FromAForksPullRequestOnABranchNamedMain_NeitherAddsToNorResolvesOurMainAlert()
    {
        await using var server = await StartWithSecretAsync();
        const string fork = "forker/alpha-console";

        var (_, ours) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", runId: 1));
        var (_, forkRed) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", runId: 2, headRepo: fork, @event: "pull_request", runNumber: 563, minute: 1));
        var afterRed = await AlertsAsync(server);
        var (_, forkGreen) = await DeliverAsync(server, "workflow_run", WorkflowRun("success", runId: 3, headRepo: fork, @event: "pull_request", runNumber: 564, minute: 2));
        var afterGreen = await AlertsAsync(server);

        Assert.Equal("opened", ours.GetProperty("alert_change").GetString());
        Assert.Equal("opened", forkRed.GetProperty("alert_change").GetString());
        Assert.NotEqual(ours.GetProperty("alert_id").GetString(), forkRed.GetProperty("alert_id").GetString());
        var main = Assert.Single(afterRed.GetProperty("items").EnumerateArray());
        Assert.Equal(ours.GetProperty("alert_id").GetString(), main.GetProperty("id").GetString());
        Assert.Equal(1, main.GetProperty("occurrences").GetInt32());
        Assert.Equal(1, afterRed.GetProperty("open_on_other_branches").GetInt32());
        Assert.Equal("resolved", forkGreen.GetProperty("alert_change").GetString());
        Assert.Equal(forkRed.GetProperty("alert_id").GetString(), forkGreen.GetProperty("alert_id").GetString());
        Assert.Equal("open", Assert.Single(afterGreen.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        var forkAlerts = await AlertsAsync(server, "venture=alpha&status=resolved&branch=forker:main");
        Assert.False(Assert.Single(forkAlerts.GetProperty("items").EnumerateArray()).GetProperty("on_default_branch").GetBoolean());
    }

    [Fact]
    public async Task WorkflowRun_LateGreenOfAnOlderRun_LeavesTheAlertANewerRunOpenedOpen()
    {
        await using var server = await StartWithSecretAsync();

        var (_, red) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", runId: 11, runNumber: 563, minute: 5));
        var (lateStatus, late) = await DeliverAsync(server, "workflow_run", WorkflowRun("success", runId: 10, runNumber: 562, minute: 0));
        var stillOpen = await AlertsAsync(server);
        var (_, newer) = await DeliverAsync(server, "workflow_run", WorkflowRun("success", runId: 12, runNumber: 564, minute: 9));
        var after = await AlertsAsync(server);

        Assert.Equal(HttpStatusCode.OK, lateStatus);
        Assert.Equal("kept", late.GetProperty("alert_change").GetString());
        Assert.Contains("older than the run that last failed", late.GetProperty("message").GetString());
        var alert = Assert.Single(stillOpen.GetProperty("items").EnumerateArray());
        Assert.Equal(red.GetProperty("alert_id").GetString(), alert.GetProperty("id").GetString());
        Assert.Equal(563, alert.GetProperty("last_run").GetProperty("number").GetInt64());
        Assert.Equal("resolved", newer.GetProperty("alert_change").GetString());
        Assert.Equal(0, after.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task WorkflowRun_WithAHundredThousandCharacterName_Is400NamingTheField_AndNothingIsStored()
    {
        await using var server = await StartWithSecretAsync();

        var (status, problem) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", workflow: new string('x', 100_000)), delivery: "long-1");
        var alerts = await AlertsAsync(server, "venture=alpha&all_branches=true&status=open");
        var (_, retried) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure"), delivery: "long-1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Contains($"at most {AlertLimits.Workflow} characters", problem.GetProperty("errors").GetProperty("workflow_run.name")[0].GetString());
        Assert.Equal(0, alerts.GetProperty("total").GetInt32());
        // The refused delivery was not recorded, so GitHub's redelivery (same id) is processed, not taken for a duplicate.
        Assert.Equal("accepted", retried.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData(AlertLimits.Workflow, HttpStatusCode.Created, HttpStatusCode.OK)]
    [InlineData(AlertLimits.Workflow + 1, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest)]
    public async Task WorkflowName_AtAndOverTheLimit_IsJudgedAlikeByPostAlertsAndSignedDeliveries(int length, HttpStatusCode viaApi, HttpStatusCode viaWebhook)
    {
        await using var server = await StartWithSecretAsync();
        var name = new string('w', length);

        using var created = await server.Admin.PostAsync("/v1/alerts", TestServer.Json(
            $$"""{"venture":"alpha","repo":"alpha-console","workflow":"{{name}}","branch":"main","source":"pingdom"}"""));
        var (delivered, _) = await DeliverAsync(server, "workflow_run", WorkflowRun("failure", workflow: name));

        Assert.Equal(viaApi, created.StatusCode);
        Assert.Equal(viaWebhook, delivered);
    }

    [Fact]
    public async Task CheckSuite_WithAnOverLongAppName_Is400NamingTheField()
    {
        await using var server = await StartWithSecretAsync();
        var payload = CheckSuite("failure").Replace("\"CircleCI Checks\"", $"\"{new string('c', AlertLimits.Workflow + 1)}\"", StringComparison.Ordinal);

        var (status, problem) = await DeliverAsync(server, "check_suite", payload);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("check_suite.app.name", out _), problem.ToString());
    }

    [Fact]
    public async Task FeatureBranchFailure_IsKeptAndCounted_ButListedOnlyWhenAskedFor()
    {
        await using var server = await StartWithSecretAsync();

        await DeliverAsync(server, "workflow_run", WorkflowRun("failure", branch: "feature/x"));
        var defaultOnly = await AlertsAsync(server);
        var all = await AlertsAsync(server, "venture=alpha&all_branches=true");
        var byBranch = await AlertsAsync(server, "venture=alpha&branch=feature/x");

        Assert.Equal(0, defaultOnly.GetProperty("total").GetInt32());
        Assert.Equal(1, defaultOnly.GetProperty("open_on_other_branches").GetInt32());
        Assert.Equal(1, all.GetProperty("total").GetInt32());
        Assert.Equal(1, byBranch.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Alerts_CreateByAdminAndResolveWithReason_AgentMayNotCreate()
    {
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent");

        using var created = await server.Admin.PostAsync("/v1/alerts", TestServer.Json(
            """{"venture":"alpha","repo":"alpha-console","workflow":"uptime","branch":"main","source":"pingdom","severity":"critical"}"""));
        var alert = await TestServer.ReadJsonAsync(created);
        using var refused = await server.Client(agentKey).PostAsync("/v1/alerts", TestServer.Json(
            """{"venture":"alpha","repo":"alpha-console","workflow":"uptime","branch":"main","source":"pingdom"}"""));
        using var noReason = await server.Client(agentKey).PostAsync($"/v1/alerts/{alert.GetProperty("id").GetString()}/resolve", TestServer.Json("{}"));
        using var resolved = await server.Client(agentKey).PostAsync($"/v1/alerts/{alert.GetProperty("id").GetString()}/resolve",
            TestServer.Json("""{"reason":"site back up"}"""));
        var done = await TestServer.ReadJsonAsync(resolved);
        using var missing = await server.Admin.PostAsync("/v1/alerts/alert_missing/resolve", TestServer.Json("""{"reason":"x"}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("example-org/alpha-console", alert.GetProperty("repo").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("site back up", done.GetProperty("resolution_reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("alert_not_found", (await TestServer.ReadJsonAsync(missing)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Version_ReportsBuildAndMatchingSchema_ThenDetectsASchemaChangedBehindTheServersBack()
    {
        await using var server = await TestServer.StartAsync();

        using var before = await server.Admin.GetAsync("/v1/version");
        var healthy = await TestServer.ReadJsonAsync(before);
        var dbPath = Path.Combine(server.DataDir, Baton.Storage.Sqlite.SqliteStoreOptions.FileName);
        await using (var raw = new SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            await raw.OpenAsync();
            await using var alter = raw.CreateCommand();
            alter.CommandText = "CREATE TABLE hand_made (x TEXT)";
            await alter.ExecuteNonQueryAsync();
        }
        using var after = await server.Admin.GetAsync("/v1/version");
        var drifted = await TestServer.ReadJsonAsync(after);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.False(string.IsNullOrEmpty(healthy.GetProperty("version").GetString()));
        Assert.False(string.IsNullOrEmpty(healthy.GetProperty("commit").GetString()));
        Assert.True(healthy.GetProperty("schema_matches").GetBoolean());
        Assert.Equal(healthy.GetProperty("expected_schema_hash").GetString(), healthy.GetProperty("schema_hash").GetString());
        Assert.False(drifted.GetProperty("schema_matches").GetBoolean());
        Assert.NotEqual(healthy.GetProperty("schema_hash").GetString(), drifted.GetProperty("schema_hash").GetString());
        Assert.Equal(healthy.GetProperty("expected_schema_hash").GetString(), drifted.GetProperty("expected_schema_hash").GetString());
    }

    [Fact]
    public async Task Sod_With270OpenAlertsAndASmallBudget_SaysShowingNOf270()
    {
        await using var server = await TestServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 270; i++)
        {
            await server.Store.ApplyAlertSignalAsync(new AlertSignal(AlertSignalKind.Failure, "alpha", "example-org/alpha-console", $"wf-{i:D3}", "main",
                "workflow_run", AlertSeverity.High, true, null, now, "test", $"alert_{i:D26}"), CancellationToken.None);
        }

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json(
            """{"agent":"a1","venture":"alpha","repo":"alpha-console","budget_chars":2500}"""));
        var sod = await TestServer.ReadJsonAsync(response);
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(briefing.Length <= 2500, $"briefing is {briefing.Length} characters");
        Assert.Matches(@"## Open CI alerts \(default branch\) \(showing \d+ of 270\)", briefing);
        Assert.Contains("## Briefing health", briefing);
    }

    [Theory]
    [InlineData("""{"action":"completed","action":"requested","repository":{"full_name":"example-org/alpha-console"}}""", "action")]
    [InlineData("""{"action":"completed","repository":{"full_name":"example-org/\ud800"}}""", "repository.full_name")]
    [InlineData("""{"action":"completed","repository":{"\udc00":1}}""", "repository")]
    public async Task Delivery_SignedButNotCleanJson_Is400NamingThePathAndRecordsNothing(string payload, string path)
    {
        await using var server = await StartWithSecretAsync();

        var delivery = Guid.NewGuid().ToString();

        var (status, body) = await DeliverAsync(server, "workflow_run", payload, delivery);
        // Had the refused delivery been recorded, GitHub's redelivery under the same id would be a "duplicate".
        var (_, redelivered) = await DeliverAsync(server, "ping", """{"zen":"Keep it logically awesome."}""", delivery);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(path, out _), body.ToString());
        Assert.Equal("pong", redelivered.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Delivery_SignedWithInvalidUtf8_Is400MalformedJson()
    {
        await using var server = await StartWithSecretAsync();
        var bytes = Encoding.UTF8.GetBytes("""{"zen":"?"}""").Select(b => b == (byte)'?' ? (byte)0xFF : b).ToArray();

        var (status, body) = await DeliverBytesAsync(server, "ping", bytes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("malformed_json", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty("zen", out _), body.ToString());
    }

    [Fact]
    public async Task Delivery_BadSignatureOnBrokenJson_Is401BeforeTheBodyIsLookedAt()
    {
        await using var server = await StartWithSecretAsync();
        var bytes = Encoding.UTF8.GetBytes("""{"a":1,"a":"\ud800"}""").Append((byte)0xFF).ToArray();

        var (status, body) = await DeliverBytesAsync(server, "ping", bytes, signature: "sha256=" + new string('0', 64));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", body.GetProperty("code").GetString());
    }
}
