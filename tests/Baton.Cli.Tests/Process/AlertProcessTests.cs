using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Alerts;
using Baton.Local.Settings;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton alerts</c>, <c>alerts resolve</c>, <c>cadence list|add|done</c> and <c>webhooks secret set</c> as a person
/// runs them, against the built binary. The same tests run in local mode and in server mode (a real <c>baton serve</c>);
/// alerts are raised the admin way (<c>POST /v1/alerts</c> in server mode, the same service in-process in local mode),
/// and the server-mode class also feeds signed GitHub deliveries.
/// </summary>
public abstract partial class AlertProcessTests : IAsyncLifetime
{
    protected const string Repo = "example-org/alpha-console";

    // Long enough for the 16-character rule, and distinctive enough that a scan of the output cannot miss it.
    protected const string Secret = "whsec-EXAMPLE-5f0c1d2e3a4b5c6d7e8f";

    protected Workspace Workspace { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Workspace.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Raises an alert as an admin's tool would; returns its id.</summary>
    protected abstract Task<string> RaiseAsync(string workflow, string branch, string severity = "high");

    // ---- alerts ----

    [Fact]
    public async Task Alerts_OpenOnDefaultAndOtherBranches_ListsTheDefaultBranchWithHonestTotalsAndCountsTheRest()
    {
        await RaiseAsync("CI", "main");
        await RaiseAsync("Release", "main", "critical");
        await RaiseAsync("Nightly", "main", "low");
        await RaiseAsync("CI", "feature/login");

        var page = await Workspace.RunAsync("alerts", "--limit", "2");
        var defaultOnly = await Workspace.RunAsync("alerts", "--venture", "alpha", "--json");
        var all = await Workspace.RunAsync("alerts", "--all-branches");

        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Contains("showing 2 of 3 open alerts", page.Out);
        Assert.Contains("--cursor", page.Out);
        Assert.Contains("1 more open on branches other than the default", page.Out);
        Assert.DoesNotContain("feature/login", page.Out);
        using var json = JsonDocument.Parse(defaultOnly.Out);
        Assert.Equal(3, json.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("open_on_other_branches").GetInt64());
        Assert.All(json.RootElement.GetProperty("items").EnumerateArray(), a => Assert.Equal("main", a.GetProperty("branch").GetString()));
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("4 open alerts", all.Out);
        Assert.Contains("feature/login", all.Out);
        Assert.DoesNotContain("more open on branches", all.Out);
    }

    [Fact]
    public async Task AlertsResolve_WithReason_MovesTheAlertToTheResolvedListWithItsReason()
    {
        var id = await RaiseAsync("Deploy", "main");

        var resolve = await Workspace.RunAsync("alerts", "resolve", id, "--reason", "Flaky runner replaced");
        var open = await Workspace.RunAsync("alerts");
        var resolved = await Workspace.RunAsync("alerts", "--resolved");
        var resolvedJson = await Workspace.RunAsync("alerts", "--resolved", "--json");

        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        Assert.Contains($"Resolved {id}", resolve.Out);
        Assert.Contains("Flaky runner replaced", resolve.Out);
        Assert.Contains("0 open alerts", open.Out);
        Assert.DoesNotContain(id, open.Out);
        Assert.Contains(id, resolved.Out);
        Assert.Contains("Flaky runner replaced", resolved.Out);
        Assert.Contains("1 resolved alert", resolved.Out);
        Assert.DoesNotContain("more open on branches", resolved.Out);
        using var json = JsonDocument.Parse(resolvedJson.Out);
        var alert = json.RootElement.GetProperty("items")[0];
        Assert.Equal("resolved", alert.GetProperty("status").GetString());
        Assert.Equal("Flaky runner replaced", alert.GetProperty("resolution_reason").GetString());
        Assert.StartsWith("key:", alert.GetProperty("resolved_by").GetString());
    }

    [Fact]
    public async Task AlertsResolve_UnknownId_ExitsOneSayingHowToFindTheIds()
    {
        var result = await Workspace.RunAsync("alerts", "resolve", "alert_01J00000000000000000000000", "--reason", "gone");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("alert_not_found", result.Error);
        Assert.Contains("alert_01J00000000000000000000000", result.Error);
        Assert.Contains("baton alerts", result.Error);
    }

    [Fact]
    public async Task AlertsResolve_WithoutReason_IsAUsageErrorNamingTheOption()
    {
        var id = await RaiseAsync("CI", "main");

        var result = await Workspace.RunAsync("alerts", "resolve", id);
        var open = await Workspace.RunAsync("alerts", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--reason", result.Error);
        using var json = JsonDocument.Parse(open.Out);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
    }

    // ---- cadence ----

    [Fact]
    public async Task Cadence_AddListDone_NewDutyIsOverdueAndDoneOnesAreDueSoonOrNotDue()
    {
        var weekly = await Workspace.RunAsync("cadence", "add", "--scope", "alpha", "--title", "Check backups restore", "--every-days", "3",
            "--description", "Restore last night's dump into a scratch database.");
        var monthly = await Workspace.RunAsync("cadence", "add", "--scope", "alpha", "--title", "Rotate deploy keys", "--every-days", "30");
        var weeklyId = CadenceIdIn(weekly);
        var monthlyId = CadenceIdIn(monthly);
        var before = await Workspace.RunAsync("cadence", "list", "--venture", "alpha");

        var doneWeekly = await Workspace.RunAsync("cadence", "done", weeklyId);
        var doneMonthly = await Workspace.RunAsync("cadence", "done", monthlyId);
        var after = await Workspace.RunAsync("cadence", "list", "--venture", "alpha");
        var afterJson = await Workspace.RunAsync("cadence", "list", "--venture", "alpha", "--json");

        Assert.True(weekly.ExitCode == 0, weekly.ToString());
        Assert.Contains("due now", weekly.Out);
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Equal(2, Regex.Count(before.Out, @"overdue \(never done\)"));
        Assert.Contains("2 cadence items", before.Out);
        Assert.True(doneWeekly.ExitCode == 0, doneWeekly.ToString());
        Assert.Contains("next due", doneWeekly.Out);
        Assert.True(doneMonthly.ExitCode == 0, doneMonthly.ToString());
        Assert.Contains("due within 7 d", LineWith(after.Out, weeklyId));
        Assert.Contains("not due", LineWith(after.Out, monthlyId));
        Assert.DoesNotContain("overdue", after.Out);
        using var json = JsonDocument.Parse(afterJson.Out);
        var statuses = json.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("item").GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { [weeklyId] = "due_soon", [monthlyId] = "not_due" }, statuses);
    }

    [Fact]
    public async Task CadenceAdd_IntervalOutOfRangeAndUnknownDuty_ExitOneWithWhatToDo()
    {
        var add = await Workspace.RunAsync("cadence", "add", "--scope", "alpha", "--title", "Never", "--every-days", "0");
        var done = await Workspace.RunAsync("cadence", "done", "cad_01J00000000000000000000000");
        var list = await Workspace.RunAsync("cadence", "list", "--json");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("validation_failed", add.Error);
        Assert.Contains("interval_days", add.Error);
        Assert.Contains("between 1 and 3660", add.Error);
        Assert.Equal(1, done.ExitCode);
        Assert.Contains("cadence_not_found", done.Error);
        Assert.Contains("baton cadence list", done.Error);
        using var json = JsonDocument.Parse(list.Out);
        Assert.Equal(0, json.RootElement.GetProperty("total").GetInt64());
    }

    // ---- webhooks secret ----

    [Fact]
    public async Task WebhooksSecretSet_FromStandardInputOrOption_IsSetAndNeverPrinted()
    {
        var piped = await Workspace.RunWithInputAsync(Secret + "\n", "webhooks", "secret", "set");
        var option = await Workspace.RunAsync("webhooks", "secret", "set", "--secret", Secret + "-rotated");

        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Contains("secret is set", piped.Out);
        Assert.Contains("/v1/webhooks/github", piped.Out);
        Assert.True(option.ExitCode == 0, option.ToString());
        foreach (var output in new[] { piped.Out, piped.Error, option.Out, option.Error })
        {
            Assert.DoesNotContain("whsec-EXAMPLE", output);
        }
    }

    [Fact]
    public async Task WebhooksSecretSet_EmptyInputOrTooShort_ExitsNonZeroSayingWhatIsNeeded()
    {
        var empty = await Workspace.RunWithInputAsync("", "webhooks", "secret", "set");
        var tooShort = await Workspace.RunWithInputAsync("short-secret\n", "webhooks", "secret", "set");

        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("--secret", empty.Error);
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("at least 16 characters", tooShort.Error);
        Assert.DoesNotContain("short-secret", tooShort.Error + tooShort.Out);
    }

    // ---- helpers ----

    protected static string CadenceIdIn(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var match = CadenceId().Match(result.Out);
        Assert.True(match.Success, "no cad_ id in:\n" + result);
        return match.Value;
    }

    protected static string LineWith(string text, string needle) =>
        text.Split('\n').SingleOrDefault(l => l.Contains(needle, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line with {needle} in:\n{text}");

    [GeneratedRegex(@"cad_[0-9A-Z]{26}")]
    private static partial Regex CadenceId();
}

/// <summary>The alert verbs in local mode: alerts raised through the same in-process service local mode runs.</summary>
public sealed class LocalAlertProcessTests : AlertProcessTests
{
    protected override async Task<string> RaiseAsync(string workflow, string branch, string severity = "high")
    {
        // What `baton` itself opens in local mode: the SQLite file in the data directory, with ventures.json applied.
        var settings = BatonSettingsLoader.Load(new Dictionary<string, string>(),
            new Dictionary<string, string> { [BatonSettingsLoader.DataDirVariable] = Workspace.DataDir });
        await using var connection = await BatonConnection.OpenAsync(settings, CancellationToken.None);
        var alert = await connection.Alerts.CreateAlertAsync(new CreateAlertRequest("alpha", Repo, workflow, branch, "uptime-probe",
            Enum.Parse<AlertSeverity>(severity, ignoreCase: true)), CancellationToken.None);
        return alert.Id;
    }

    [Fact]
    public async Task WebhooksSecretSet_LocalMode_SaysDeliveriesNeedAServer()
    {
        var result = await Workspace.RunAsync("webhooks", "secret", "set", "--secret", Secret);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("baton serve", result.Out);
        Assert.DoesNotContain(Secret, result.Out);
    }
}

/// <summary>
/// The alert verbs in server mode through a real <c>baton serve</c>: alerts raised with <c>POST /v1/alerts</c> as admin,
/// and GitHub deliveries signed here (HMAC-SHA256 over the exact body) as GitHub signs them.
/// </summary>
public sealed class ServerAlertProcessTests : AlertProcessTests
{
    private ServeProcess _server = null!;
    private HttpClient _http = null!;

    public override async Task InitializeAsync()
    {
        _server = await Workspace.StartServeAsync();
        Workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        Workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TestTimeouts.Default };
    }

    public override async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override async Task<string> RaiseAsync(string workflow, string branch, string severity = "high")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/alerts")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["venture"] = "alpha", ["repo"] = Repo, ["workflow"] = workflow, ["branch"] = branch, ["source"] = "uptime-probe", ["severity"] = severity,
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Workspace.Environment["BATON_KEY"]);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task SignedDeliveries_FailTwiceThenPass_CliSeesOneAlertCountedTwiceThenResolvedByTheGreenRun()
    {
        var set = await Workspace.RunWithInputAsync(Secret + "\n", "webhooks", "secret", "set");
        Assert.True(set.ExitCode == 0, set.ToString());
        await DeliverAsync("workflow_run", WorkflowRun("failure", runId: 101));
        await DeliverAsync("workflow_run", WorkflowRun("timed_out", runId: 102));
        await DeliverAsync("workflow_run", WorkflowRun("failure", branch: "feature/search", runId: 103));
        await DeliverAsync("check_suite", CheckSuite("failure"));
        await DeliverAsync("workflow_run", WorkflowRun("failure", repo: "example-org/nobody-owns-this", runId: 104));

        var red = await Workspace.RunAsync("alerts");
        var redJson = await Workspace.RunAsync("alerts", "--json");
        await DeliverAsync("workflow_run", WorkflowRun("success", runId: 105), delivery: "green-run-105");
        var afterGreen = await Workspace.RunAsync("alerts");
        var resolved = await Workspace.RunAsync("alerts", "--resolved", "--json");

        Assert.True(red.ExitCode == 0, red.ToString());
        Assert.Contains("2 open alerts", red.Out); // CI on main (twice) and the check suite; the feature branch is counted apart
        Assert.Contains("1 more open on branches other than the default", red.Out);
        Assert.Contains("1 webhook delivery came for repos no venture owns (example-org/nobody-owns-this)", red.Out);
        using (var json = JsonDocument.Parse(redJson.Out))
        {
            var ci = json.RootElement.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("source").GetString() == "workflow_run");
            Assert.Equal(2, ci.GetProperty("occurrences").GetInt32());
            Assert.Equal("CI", ci.GetProperty("workflow").GetString());
        }
        Assert.Contains("1 open alert", afterGreen.Out);
        Assert.Contains("check_suite", afterGreen.Out);
        using var closed = JsonDocument.Parse(resolved.Out);
        var alert = closed.RootElement.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("github:workflow_run:green-run-105:105", alert.GetProperty("resolved_by").GetString());
        Assert.DoesNotContain(Secret, _server.Output);
    }

    [Fact]
    public async Task Delivery_SignedWithAnotherSecret_Is401AndTheCliListsNothing()
    {
        var set = await Workspace.RunAsync("webhooks", "secret", "set", "--secret", Secret);
        Assert.True(set.ExitCode == 0, set.ToString());

        var status = await DeliverAsync("workflow_run", WorkflowRun("failure", runId: 201), secret: "not-the-secret-0123456789", expectOk: false);
        var alerts = await Workspace.RunAsync("alerts", "--all-branches");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("0 open alerts", alerts.Out);
    }

    [Fact]
    public async Task AgentKey_AdminVerbs_ExitOneForbiddenSayingAnAdminKeyIsNeeded()
    {
        var create = await Workspace.RunAsync("keys", "create", "--role", "agent", "--name", "ci-bot", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        using var created = JsonDocument.Parse(create.Out);
        var asAgent = new Dictionary<string, string>(Workspace.Environment) { ["BATON_KEY"] = created.RootElement.GetProperty("key").GetString()! };
        var id = await RaiseAsync("CI", "main");

        var secret = await Workspace.RunWithAsync(asAgent, "webhooks", "secret", "set", "--secret", Secret);
        var cadence = await Workspace.RunWithAsync(asAgent, "cadence", "add", "--scope", "alpha", "--title", "Rotate keys", "--every-days", "30");
        var list = await Workspace.RunWithAsync(asAgent, "alerts");
        var resolve = await Workspace.RunWithAsync(asAgent, "alerts", "resolve", id, "--reason", "fixed on main");

        Assert.Equal(1, secret.ExitCode);
        Assert.Contains("forbidden", secret.Error);
        Assert.Contains("admin key", secret.Error);
        Assert.DoesNotContain(Secret, secret.Error + secret.Out);
        Assert.Equal(1, cadence.ExitCode);
        Assert.Contains("forbidden", cadence.Error);
        Assert.Contains("admin key", cadence.Error);
        // Reading and resolving alerts is agents' work; only raising them, duties and the secret are admin's.
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
    }

    private async Task<HttpStatusCode> DeliverAsync(string @event, string payload, string? delivery = null, string secret = Secret, bool expectOk = true)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        // As GitHub signs: "sha256=" and the lowercase hex HMAC-SHA256 of the exact body bytes under the shared secret.
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        using var response = await _http.SendAsync(request);
        if (expectOk) Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response.StatusCode;
    }

    /// <summary>A completed <c>workflow_run</c> shaped like GitHub's documented payload (the fields Baton reads, and some it doesn't).</summary>
    private static string WorkflowRun(string conclusion, string branch = "main", string repo = Repo, long runId = 1) => $$"""
        {
          "action": "completed",
          "workflow_run": {
            "id": {{runId}}, "name": "CI", "head_branch": "{{branch}}", "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
            "event": "push", "status": "completed", "conclusion": "{{conclusion}}",
            "html_url": "https://github.com/{{repo}}/actions/runs/{{runId}}", "run_number": 12
          },
          "workflow": { "id": 159038, "name": "CI", "path": ".github/workflows/ci.yml" },
          "repository": { "id": 186853002, "full_name": "{{repo}}", "default_branch": "main", "html_url": "https://github.com/{{repo}}" },
          "sender": { "login": "octocat" }
        }
        """;

    private static string CheckSuite(string conclusion) => $$"""
        {
          "action": "completed",
          "check_suite": {
            "id": 118578147, "head_branch": "main", "head_sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
            "status": "completed", "conclusion": "{{conclusion}}",
            "app": { "id": 15368, "slug": "circleci-checks", "name": "CircleCI Checks" }
          },
          "repository": { "id": 186853002, "full_name": "{{Repo}}", "default_branch": "main", "html_url": "https://github.com/{{Repo}}" },
          "sender": { "login": "octocat" }
        }
        """;
}
