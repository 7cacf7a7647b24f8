using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Server.Tests.Support;
using Baton.Testing;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// <c>/fleet</c> on a real server (issue 18): machines with their repos and agents; agents with status judged on read
/// and why, pauses and why, load, and per capability the dispatcher's own score from the agent's history with its
/// trend line; user text escaped; a scoped key sees the fleet as the agents API shows it.
/// </summary>
public sealed partial class FleetPageTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Breakout = "\"><img src=x onerror=alert(1)>";

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, TestServer.Json(body));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> AgentAsync(HttpClient admin, string name, string capabilities, string? machine = null, string checks = "[]")
    {
        var machinePart = machine is null ? "" : $$""","machine_id":"{{machine}}" """;
        return (await PostAsync(admin, "/v1/agents", $$"""{"name":"{{name}}","cli":"claude","capabilities":{{capabilities}},"health_checks":{{checks}}{{machinePart}}}"""))
            .GetProperty("agent").GetProperty("id").GetString()!;
    }

    /// <summary>A task taken by the agent's long poll, started, then completed (or failed, dead at once: one attempt).</summary>
    private static async Task RunAsync(HttpClient admin, string agent, string capability, bool success)
    {
        await PostAsync(admin, "/v1/tasks", $$"""{"venture":"alpha","capability":"{{capability}}","title":"Work","max_attempts":1}""");
        var task = (await PostAsync(admin, $"/v1/agents/{agent}/next", """{"wait_seconds":25}""")).GetProperty("task");
        var id = task.GetProperty("id").GetString();
        var epoch = task.GetProperty("epoch").GetInt64();
        await PostAsync(admin, $"/v1/tasks/{id}/start", $$"""{"epoch":{{epoch}}}""");
        if (success) await PostAsync(admin, $"/v1/tasks/{id}/complete", $$"""{"epoch":{{epoch}}}""");
        else await PostAsync(admin, $"/v1/tasks/{id}/fail", $$$"""{"epoch":{{{epoch}}},"error":{"type":"tests_failed","message":"red"}}""");
    }

    private static async Task<string> PageAsync(HttpClient client, string path = "/fleet")
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>The markup of the table row of <paramref name="id"/>.</summary>
    private static string Row(string html, string id)
    {
        var start = html.IndexOf($"<tr data-id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for {id}");
        return html[start..(html.IndexOf("</tr>", start, StringComparison.Ordinal) + 5)];
    }

    private static string Capability(string row, string capability)
    {
        var start = row.IndexOf($"<li data-capability=\"{capability}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no capability {capability}");
        return row[start..(row.IndexOf("</li>", start, StringComparison.Ordinal) + 5)];
    }

    [GeneratedRegex("data-score=\"([^\"]+)\"")]
    private static partial Regex ScorePattern();

    [Fact]
    public async Task Fleet_AgentsWithHistory_ShowsTheDispatchersScoreItsTrendPausesAndWhyAndMachinesWithTheirRepos()
    {
        await using var server = await TestServer.StartAsync();
        var admin = server.Admin;
        var machine = (await PostAsync(admin, "/v1/machines", """{"hostname":"build-01"}""")).GetProperty("machine").GetProperty("id").GetString()!;
        await PostAsync(admin, "/v1/contexts", $$"""{"machine_id":"{{machine}}","repo":"example-org/alpha-console","local_path":"/src/{{JsonEncodedText.Encode(Script + Breakout)}}"}""");
        var deployer = await AgentAsync(admin, "deployer", """[{"name":"deploy","weight":0.9,"preferred":true}]""", machine);
        var reviewer = await AgentAsync(admin, "reviewer", """[{"name":"review","weight":0.7}]""");
        var prober = await AgentAsync(admin, "prober", """[{"name":"probe","weight":0.5,"requirements":["argocd"]}]""",
            checks: """[{"requirement":"argocd","command":"argocd app list"}]""");
        await RunAsync(admin, deployer, "deploy", success: true);
        await RunAsync(admin, deployer, "deploy", success: false);
        await RunAsync(admin, deployer, "deploy", success: true);
        await RunAsync(admin, deployer, "deploy", success: true);
        await PostAsync(admin, $"/v1/agents/{reviewer}/pause",
            $$"""{"until":"{{DateTimeOffset.UtcNow.AddHours(2):O}}","reason":{{JsonSerializer.Serialize("rate limit " + Script + Breakout)}}}""");
        await PostAsync(admin, $"/v1/agents/{prober}/health", $$"""{"requirement":"argocd","healthy":false,"detail":{{JsonSerializer.Serialize("down " + Script + Breakout)}}}""");

        var html = await PageAsync(admin);

        // The score is the dispatcher's: its card from the same history (newest first: S, S, F, S).
        var history = new[] { true, true, false, true }.Select(s => new ResultSample(s, DateTimeOffset.UnixEpoch)).ToList();
        var expected = Scoring.Score(0.9, 1.0, Scoring.RollingSuccess(history), Scoring.Recency(history), Scoring.PreferredBoost);
        var deploy = Capability(Row(html, deployer), "deploy");
        Assert.Equal(expected, double.Parse(ScorePattern().Match(deploy).Groups[1].Value, CultureInfo.InvariantCulture), 12);
        Assert.Contains("preferred", deploy, StringComparison.Ordinal);
        Assert.Contains("over 4", deploy, StringComparison.Ordinal);
        // The trend: one point per result, a line through them.
        Assert.Contains("<svg class=\"sparkline\"", deploy, StringComparison.Ordinal);
        Assert.Contains("over the last 4 results", deploy, StringComparison.Ordinal);

        var deployerRow = Row(html, deployer);
        Assert.Contains("status-online", deployerRow, StringComparison.Ordinal);
        Assert.Contains("build-01", deployerRow, StringComparison.Ordinal);
        Assert.Contains("0 / 1", deployerRow, StringComparison.Ordinal);

        var reviewerRow = Row(html, reviewer);
        Assert.Contains("paused until <time datetime=", reviewerRow, StringComparison.Ordinal);
        Assert.Contains("rate limit &lt;script&gt;", reviewerRow, StringComparison.Ordinal);
        // No history: the weight alone (rolling success 1.0), and no trend to draw.
        Assert.Equal(0.7, double.Parse(ScorePattern().Match(Capability(reviewerRow, "review")).Groups[1].Value, CultureInfo.InvariantCulture), 12);
        Assert.Contains("no results yet", reviewerRow, StringComparison.Ordinal);

        var proberRow = Row(html, prober);
        Assert.Contains("status-degraded", proberRow, StringComparison.Ordinal);
        Assert.Contains("unhealthy: <span class=\"requirement\">argocd</span>: down &lt;script&gt;", proberRow, StringComparison.Ordinal);
        Assert.Equal(0.0, double.Parse(ScorePattern().Match(Capability(proberRow, "probe")).Groups[1].Value, CultureInfo.InvariantCulture));

        var machineRow = Row(html, machine);
        Assert.Contains("example-org/alpha-console", machineRow, StringComparison.Ordinal);
        Assert.Contains("deployer", machineRow, StringComparison.Ordinal);
        Assert.Contains("<p class=\"count\" data-shown=\"3\" data-total=\"3\">3 agents</p>", html, StringComparison.Ordinal);

        // Every user text is escaped: no markup from data.
        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_NoHeartbeatPastTheThreshold_JudgesTheAgentAndThenItsMachineOfflineOnReadAndSaysSince()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        var machine = (await PostAsync(server.Admin, "/v1/machines", """{"hostname":"idle-01"}""")).GetProperty("machine").GetProperty("id").GetString()!;
        var agent = await AgentAsync(server.Admin, "sleeper", """[{"name":"review","weight":0.8}]""", machine);
        var before = await PageAsync(server.Admin);

        // The machine is not heard from again, but its agent is: the machine stays online while its agent is.
        clock.Advance(AgentRules.DefaultOfflineAfter - TimeSpan.FromSeconds(30));
        await PostAsync(server.Admin, $"/v1/agents/{agent}/heartbeat", "{}");
        clock.Advance(TimeSpan.FromSeconds(31));
        var agentAlive = await PageAsync(server.Admin);
        clock.Advance(AgentRules.DefaultOfflineAfter);
        var after = await PageAsync(server.Admin);

        Assert.Contains("status-online", Row(before, agent), StringComparison.Ordinal);
        Assert.Contains("status-online", Row(before, machine), StringComparison.Ordinal);
        Assert.Contains("status-online", Row(agentAlive, machine), StringComparison.Ordinal);
        Assert.Contains("status-offline", Row(after, agent), StringComparison.Ordinal);
        Assert.Contains("no heartbeat since <time datetime=", Row(after, agent), StringComparison.Ordinal);
        Assert.Contains("2 min ago", Row(after, agent), StringComparison.Ordinal);
        Assert.Contains("status-offline", Row(after, machine), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_AScopedKey_SeesTheFleetAsTheAgentsApiShowsIt()
    {
        await using var server = await TestServer.StartAsync();
        var agent = await AgentAsync(server.Admin, "shared", """[{"name":"review","weight":0.8}]""");
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");
        var scoped = server.Client(key);
        using var api = await scoped.GetAsync("/v1/agents");
        var listed = (await TestServer.ReadJsonAsync(api)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();

        var html = await PageAsync(scoped);
        using var panel = await scoped.GetAsync("/panels/agents");
        var fragment = await panel.Content.ReadAsStringAsync();

        Assert.Equal([agent], listed);
        Assert.Contains($"<tr data-id=\"{agent}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-panel=\"agents\"", fragment, StringComparison.Ordinal);
        Assert.Contains($"<tr data-id=\"{agent}\"", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", fragment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_NoAgentsOrMachines_SaysSoInWords()
    {
        await using var server = await TestServer.StartAsync();

        var html = await PageAsync(server.Admin);

        Assert.Contains("<p class=\"empty\">No agents registered.", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"empty\">No machines registered.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentHistory_Api_AnswersTheNewestScoredResultsPerCapabilityAndRefusesNoAgent()
    {
        await using var server = await TestServer.StartAsync();
        var admin = server.Admin;
        var agent = await AgentAsync(admin, "runner", """[{"name":"deploy","weight":0.9}]""");
        await RunAsync(admin, agent, "deploy", success: true);
        await RunAsync(admin, agent, "deploy", success: false);

        using var response = await admin.GetAsync($"/v1/agent-history?agent_id={agent}&per_capability=1");
        var json = await TestServer.ReadJsonAsync(response);
        using var none = await admin.GetAsync("/v1/agent-history");

        var item = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal((agent, "deploy"), (item.GetProperty("agent_id").GetString(), item.GetProperty("capability").GetString()));
        Assert.False(Assert.Single(item.GetProperty("results").EnumerateArray()).GetProperty("success").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
    }
}
