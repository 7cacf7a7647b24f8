using System.Globalization;
using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// <c>/spend</c> on a real server (issue 18): cost and tokens per venture and UTC day — a chart with one bar per day
/// and the daily budget drawn, the same numbers in a table — and per agent, exact as <c>baton spend</c>; filters by
/// venture and period; a scoped key sees only its venture; venture names escaped.
/// </summary>
public sealed class SpendPageTests
{
    private const string Xss = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

    // The same seeding as the spend route tests: a task taken by the agent's long poll, started, completed with usage.
    private static Task<JsonElement> PostAsync(HttpClient client, string url, string body) => SpendRoutesTests.PostAsync(client, url, body);

    private static Task CompleteAsync(HttpClient admin, string agent, string venture, string usage) => SpendRoutesTests.CompleteAsync(admin, agent, venture, usage);

    private static async Task<string> SeedAsync(TestServer server)
    {
        using var put = await server.Admin.PutAsync("/v1/ventures/alpha", TestServer.Json(
            $$"""{"name":{{JsonSerializer.Serialize("Alpha " + Xss)}},"org":"example-org","repos":["alpha-console"],"daily_budget_usd":0.25}"""));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var agent = (await PostAsync(server.Admin, "/v1/agents", """{"name":"reviewer","cli":"claude","capabilities":[{"name":"review","weight":0.8}]}"""))
            .GetProperty("agent").GetProperty("id").GetString()!;
        await CompleteAsync(server.Admin, agent, "alpha", """{"input_tokens":1000,"output_tokens":100,"cost_usd":0.1}""");
        await CompleteAsync(server.Admin, agent, "alpha", """{"input_tokens":2000,"output_tokens":200,"cost_usd":0.2}""");
        await CompleteAsync(server.Admin, agent, "beta", """{"input_tokens":7,"output_tokens":3}""");
        return agent;
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no {start}");
        return html[from..(html.IndexOf(end, from, StringComparison.Ordinal) + end.Length)];
    }

    private static int Occurrences(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    [Fact]
    public async Task Spend_ResultsWithCost_ChartsEachVenturesDaysAgainstItsBudgetWithTheSameNumbersInATable()
    {
        await using var server = await TestServer.StartAsync();
        var agent = await SeedAsync(server);
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var html = await PageAsync(server.Admin, "/spend");

        var alpha = Between(html, "<figure class=\"spend-venture\" data-venture=\"alpha\"", "</figure>");
        // Seven days back from now, and today: one bar each (days without reports are bars of nothing).
        Assert.Equal(8, Occurrences(alpha, "<rect class=\"bar"));
        // $0.30 today against a $0.25 budget: the line is drawn and today's bar is over it.
        Assert.Equal(1, Occurrences(alpha, "<rect class=\"bar bar-over\""));
        Assert.Contains("<line class=\"threshold\"", alpha, StringComparison.Ordinal);
        Assert.Contains("budget $0.25", alpha, StringComparison.Ordinal);
        var row = Between(alpha, $"<tr data-id=\"alpha/{today}\"", "</tr>");
        Assert.Contains("$0.30", row, StringComparison.Ordinal);
        Assert.Contains("over budget", row, StringComparison.Ordinal);
        Assert.Contains("3,300", row, StringComparison.Ordinal);
        // A day is a calendar day, not a moment: the script keeps only data-ago times current, so it stays the date.
        Assert.Contains($"<time datetime=\"{today}\">{today}</time>", row, StringComparison.Ordinal);

        var beta = Between(html, "<figure class=\"spend-venture\" data-venture=\"beta\"", "</figure>");
        Assert.DoesNotContain("<line class=\"threshold\"", beta, StringComparison.Ordinal);
        Assert.Contains("no daily budget", beta, StringComparison.Ordinal);
        Assert.Equal(0, Occurrences(beta, "bar-over"));

        // The totals as baton spend says them: every report, and how many had a cost.
        Assert.Contains("data-reports=\"3\" data-reports-with-cost=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("$0.30", Between(html, "<p class=\"totals\"", "</p>"), StringComparison.Ordinal);

        var agents = Between(html, "data-panel=\"spend-agents\"", "</section>");
        var agentRow = Between(agents, $"<tr data-id=\"{agent}\"", "</tr>");
        Assert.Contains("reviewer", agentRow, StringComparison.Ordinal);
        Assert.Contains("3,310", agentRow, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">3</td>", agentRow, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">2</td>", agentRow, StringComparison.Ordinal);
        Assert.Contains(">1 agent</p>", agents, StringComparison.Ordinal);

        // The venture's name is data: escaped, never markup.
        Assert.Contains("Alpha &lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spend_FilteredByVentureAndPeriod_ShowsOnlyThatVentureOverThatPeriod()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);

        var html = await PageAsync(server.Admin, "/spend?venture=beta&period=24h");
        using var panel = await server.Admin.GetAsync("/panels/spend-chart?venture=beta&period=24h");
        var fragment = await panel.Content.ReadAsStringAsync();

        Assert.DoesNotContain("data-venture=\"alpha\"", html, StringComparison.Ordinal);
        var beta = Between(html, "<figure class=\"spend-venture\" data-venture=\"beta\"", "</figure>");
        // 24 hours back from now reach into yesterday: two days, two bars.
        Assert.Equal(2, Occurrences(beta, "<rect class=\"bar"));
        Assert.Contains("<option value=\"24h\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"beta\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("data-reports=\"1\" data-reports-with-cost=\"0\"", fragment, StringComparison.Ordinal);
        Assert.Contains("data-venture=\"beta\"", fragment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spend_AScopedKey_SeesOnlyItsVenture()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        var html = await PageAsync(server.Client(key), "/spend");

        Assert.Contains("data-venture=\"beta\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-venture=\"alpha\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"alpha\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("all ventures", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spend_NothingReported_SaysSoInWords()
    {
        await using var server = await TestServer.StartAsync();

        var html = await PageAsync(server.Admin, "/spend");

        Assert.Contains("<p class=\"empty\">No spend reported in the last 7d.</p>", html, StringComparison.Ordinal);
    }
}
