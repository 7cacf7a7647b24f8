using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Dashboard.ShellHttp;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// The Now page (<c>/</c>): sessions waiting for a human on top with the commands to go to them, then every live
/// session with what its last hook event says it is doing; honest counts; a scoped key sees its venture only; every
/// user-supplied field escaped.
/// </summary>
public sealed class NowPageTests
{
    private static readonly IdGenerator Ids = new(TimeProvider.System);

    private static async Task<string> SodAsync(TestServer server, string agent, string venture, string repo, string? host = null, string? branch = null, int? issue = null)
    {
        var body = new Dictionary<string, object?> { ["agent"] = agent, ["venture"] = venture, ["repo"] = repo, ["host"] = host, ["branch"] = branch, ["issue_number"] = issue };
        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json(JsonSerializer.Serialize(body)));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"SOD answered {(int)response.StatusCode}: {json}");
        return json.GetProperty("session").GetProperty("id").GetString()!;
    }

    private static async Task PostEventAsync(TestServer server, string sessionId, string name, object payload)
    {
        var e = new Dictionary<string, object?>
        {
            ["id"] = Ids.New(IdGenerator.Event), ["cli"] = "claude", ["event"] = name, ["occurred_at"] = Timestamp.ToWire(DateTimeOffset.UtcNow),
            ["session_id"] = sessionId, ["payload"] = payload,
        };
        using var response = await server.Admin.PostAsync("/v1/events", TestServer.Json(JsonSerializer.Serialize(new { events = new[] { e } })));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string> PageAsync(TestServer server, string path, string? bearer = null)
    {
        using var browser = Browser(server, bearer: bearer);
        using var response = await GetAsync(browser, path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    private static string PanelOf(string html, string name)
    {
        var match = Regex.Match(html, $"<section[^>]*data-panel=\"{name}\".*?</section>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no panel {name}");
        return match.Value;
    }

    private static string[] RowIds(string panel) => [.. Regex.Matches(panel, "<tr data-id=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];

    [Fact]
    public async Task Now_ListsLiveSessionsWithWhatTheirLastHookEventSays()
    {
        await using var server = await TestServer.StartAsync();
        var alpha = await SodAsync(server, "claude-desk", "alpha", "alpha-console", host: "desk-1", branch: "feature/login", issue: 42);
        var beta = await SodAsync(server, "codex-lab", "beta", "beta-api", host: "lab-2");
        await PostEventAsync(server, alpha, "PreToolUse", new { tool_name = "Bash", tool_input = new { command = "make first" } });
        await PostEventAsync(server, alpha, "PreToolUse", new { tool_name = "Bash", tool_input = new { command = "dotnet test" } });

        var sessions = PanelOf(await PageAsync(server, "/"), "sessions");

        Assert.Equal(new[] { alpha, beta }.Order(), RowIds(sessions).Order());
        Assert.Contains("<p class=\"count\">2 live</p>", sessions, StringComparison.Ordinal);
        var row = Regex.Match(sessions, $"<tr data-id=\"{alpha}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("claude-desk", row, StringComparison.Ordinal);
        Assert.Contains("desk-1", row, StringComparison.Ordinal);
        Assert.Contains("feature/login", row, StringComparison.Ordinal);
        Assert.Contains("#42", row, StringComparison.Ordinal);
        Assert.Contains("Bash: dotnet test", row, StringComparison.Ordinal);
        Assert.DoesNotContain("make first", row, StringComparison.Ordinal);
        Assert.Matches("<time datetime=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\" title=\"[^\"]+\" data-ago>just now</time>", row);
        Assert.Contains("no hook events", Regex.Match(sessions, $"<tr data-id=\"{beta}\".*?</tr>", RegexOptions.Singleline).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_ShowsWaitingSessionsOnTopWithTheirMessageAndCopyableCommands()
    {
        await using var server = await TestServer.StartAsync();
        var waiting = await SodAsync(server, "claude-desk", "alpha", "alpha-console", host: "desk-1");
        await SodAsync(server, "codex-lab", "beta", "beta-api");
        await PostEventAsync(server, waiting, "Notification", new { notification_type = "permission_prompt", message = "Allow Bash to run make deploy?" });

        var html = await PageAsync(server, "/");
        var panel = PanelOf(html, "waiting");

        Assert.True(html.IndexOf("data-panel=\"waiting\"", StringComparison.Ordinal) < html.IndexOf("data-panel=\"sessions\"", StringComparison.Ordinal));
        Assert.Equal([waiting], RowIds(panel));
        Assert.Contains("<p class=\"count\">1 waiting, longest first</p>", panel, StringComparison.Ordinal);
        Assert.Contains("Allow Bash to run make deploy?", panel, StringComparison.Ordinal);
        Assert.Contains("permission_prompt", panel, StringComparison.Ordinal);
        Assert.Contains("desk-1", panel, StringComparison.Ordinal);
        Assert.Contains($"<code data-copy>baton resume {waiting}</code> <button type=\"button\" data-copy-target>Copy</button>", panel, StringComparison.Ordinal);
        Assert.Contains("<code data-copy>baton session alpha</code>", panel, StringComparison.Ordinal);
        Assert.Contains("data-refresh-on=\"hook_event session\"", panel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_WithNothingLive_SaysSoInWords()
    {
        await using var server = await TestServer.StartAsync();

        var html = await PageAsync(server, "/");

        Assert.Contains("<p class=\"empty\">No live sessions.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"empty\">No session is waiting for a human.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_FilteredByVenture_ShowsThatVentureOnlyAndThePanelRendersFromTheSameQuery()
    {
        await using var server = await TestServer.StartAsync();
        var alpha = await SodAsync(server, "claude-desk", "alpha", "alpha-console");
        await SodAsync(server, "codex-lab", "beta", "beta-api");

        var page = PanelOf(await PageAsync(server, "/?venture=alpha"), "sessions");
        var panel = await PageAsync(server, "/panels?names=sessions&venture=alpha");

        Assert.Equal([alpha], RowIds(page));
        Assert.Equal([alpha], RowIds(panel));
        Assert.Contains("<option value=\"alpha\" selected>", await PageAsync(server, "/?venture=alpha"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_ForAVentureScopedKey_ShowsOnlyItsVentureWhateverTheQuerySays()
    {
        await using var server = await TestServer.StartAsync();
        await SodAsync(server, "claude-desk", "alpha", "alpha-console");
        var beta = await SodAsync(server, "codex-lab", "beta", "beta-api");
        await PostEventAsync(server, beta, "Notification", new { notification_type = "idle_prompt", message = "Done?" });
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        var html = await PageAsync(server, "/?venture=alpha", bearer: key);

        Assert.Equal([beta], RowIds(PanelOf(html, "sessions")));
        Assert.Equal([beta], RowIds(PanelOf(html, "waiting")));
        Assert.Contains("your key's venture", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<select", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_WhenThereAreMoreSessionsThanAPage_SaysHowManyOfHowMany()
    {
        // 201 SODs are more than a minute's requests for one key: the limiter is not what this test is about.
        await using var server = await TestServer.StartAsync(o => o.RateLimitPerMinute = 0);
        for (var i = 0; i < 201; i++) await SodAsync(server, $"agent-{i:D3}", "alpha", "alpha-console");

        var sessions = PanelOf(await PageAsync(server, "/"), "sessions");

        Assert.Equal(200, RowIds(sessions).Length);
        Assert.Contains("<p class=\"count\">showing 200 of 201 live</p>", sessions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_EveryUserSuppliedFieldIsEscaped()
    {
        await using var server = await TestServer.StartAsync();
        var session = await SodAsync(server, "claude-desk", "alpha", "alpha-console", host: Script + Breakout, branch: Breakout + Script);
        await PostEventAsync(server, session, "PreToolUse", new { tool_name = "Bash", tool_input = new { command = "echo " + Script + Breakout } });
        var waiting = await SodAsync(server, "codex-lab", "beta", "beta-api", host: Breakout + Script);
        await PostEventAsync(server, waiting, "Notification", new { notification_type = "permission_prompt", message = Script + " and " + Breakout });

        var html = await PageAsync(server, "/");

        AssertInert(PanelOf(html, "sessions"));
        AssertInert(PanelOf(html, "waiting"));
    }
}
