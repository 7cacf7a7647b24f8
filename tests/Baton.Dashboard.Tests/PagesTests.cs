using Baton.Dashboard.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>
/// Every page in a real Chromium over one seeded server: it renders its data with no console error, page error or
/// CSP violation, in light and dark, is reachable by keyboard with a visible focus, passes axe's serious and critical
/// rules, and leaves a screenshot (artifacts/screenshots).
/// </summary>
public sealed class PagesTests(SeededDashboard dashboard) : IClassFixture<SeededDashboard>
{
    public static TheoryData<string, string> PagesInBothSchemes()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, _) in Pages.All)
        {
            data.Add(path, "light");
            data.Add(path, "dark");
        }
        return data;
    }

    [BrowserTheory]
    [MemberData(nameof(PagesInBothSchemes))]
    public async Task Page_WithSeededData_RendersWithoutConsoleErrors(string path, string scheme)
    {
        await using var context = await dashboard.Browser.NewContextAsync(dashboard.Server.BaseAddress, scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        var response = await page.GotoAsync(path);

        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("main h1")).ToHaveTextAsync(Pages.TitleOf(path));
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Sections" })).ToBeVisibleAsync();
        await Expect(page.Locator("nav a[aria-current=page]")).ToHaveAttributeAsync("href", path);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, Pages.ScreenshotName(path, scheme)), FullPage = true });
        watch.AssertClean(path);
    }

    [BrowserFact]
    public async Task Now_WithSessions_ShowsEveryLiveSessionAndTheWaitingOneWithItsCommand()
    {
        var (page, watch, context) = await OpenAsync("/");
        await using var _ = context;

        await Expect(page.Locator($"tr[data-id=\"{dashboard.World.LiveSessionId}\"]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-id=\"{dashboard.World.WaitingSessionId}\"]").First).ToBeVisibleAsync();
        await Expect(page.GetByText("Approve? demo").First).ToBeVisibleAsync();
        var waiting = page.Locator($"tr[data-id=\"{dashboard.World.WaitingSessionId}\"]").First;
        await Expect(waiting.Locator("code[data-copy]", new() { HasText = $"baton resume {dashboard.World.WaitingSessionId}" })).ToBeVisibleAsync();
        await Expect(waiting.Locator("code[data-copy] + button[data-copy-target]").First).ToHaveTextAsync("Copy");
        await Expect(page.Locator("time[datetime]").First).ToBeVisibleAsync();
        watch.AssertClean("/");
    }

    [BrowserFact]
    public async Task Work_WithTasks_ListsEveryStateWithAnHonestCount()
    {
        var (page, watch, context) = await OpenAsync("/work");
        await using var _ = context;

        foreach (var id in new[] { dashboard.World.QueuedTaskId, dashboard.World.RunningTaskId, dashboard.World.SucceededTaskId, dashboard.World.FailedTaskId })
            await Expect(page.Locator($"tr[data-id=\"{id}\"]").First).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("Ship the login fix demo");
        await Expect(page.Locator("main .count").Filter(new() { HasText = "tasks" }).First).ToHaveTextAsync("4 tasks");
        watch.AssertClean("/work");
    }

    [BrowserFact]
    public async Task Fleet_WithAnAgent_ShowsItsRow()
    {
        var (page, watch, context) = await OpenAsync("/fleet");
        await using var _ = context;

        await Expect(page.Locator($"tr[data-id=\"{dashboard.World.AgentId}\"]").First).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("worker-demo");
        watch.AssertClean("/fleet");
    }

    [BrowserFact]
    public async Task Context_WithHandoffNoteAndAlert_ShowsThem()
    {
        var (page, watch, context) = await OpenAsync("/context?venture=alpha");
        await using var _ = context;

        await Expect(page.Locator("main")).ToContainTextAsync("Login fixed demo");
        await Expect(page.Locator("main")).ToContainTextAsync("CI demo");
        watch.AssertClean("/context");
    }

    [BrowserFact]
    public async Task Spend_WithAPaidTask_DrawsTheChartFromTheServer()
    {
        var (page, watch, context) = await OpenAsync("/spend");
        await using var _ = context;

        await Expect(page.Locator("main svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("0.42");
        // The script (run before the load event) rewrites only "how long ago" times: a day in the table stays a date.
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator($"[data-panel=\"spend-chart\"] time[datetime=\"{today}\"]").First).ToHaveTextAsync(today);
        watch.AssertClean("/spend");
    }

    [BrowserFact]
    public async Task Keyboard_TabFromTheTop_ReachesEveryNavLinkAndFormFieldWithAVisibleFocus()
    {
        foreach (var (path, _) in Pages.All)
        {
            var (page, _, context) = await OpenAsync(path);
            await using var __ = context;
            var targets = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('nav a, main form input:not([type=hidden]), main form select, main form button')].map(e => e.outerHTML)");
            var reached = new HashSet<string>();
            for (var i = 0; i < 60 && reached.Count < targets.Length; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                var answer = await page.EvaluateAsync<string>("""
                    () => {
                      const e = document.activeElement, s = getComputedStyle(e);
                      const visible = (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none';
                      return (visible ? 'v' : 'h') + e.outerHTML;
                    }
                    """);
                var focused = new FocusState(answer[1..], answer[0] == 'v');
                if (targets.Contains(focused.Html))
                {
                    Assert.True(focused.Visible, $"{path}: focus on {focused.Html} is not visible (no outline, no ring)");
                    reached.Add(focused.Html);
                }
            }
            Assert.True(targets.Length > 0, $"{path} has no nav links");
            Assert.Empty(targets.Except(reached).Select(t => $"{path}: {t}"));
        }
    }

    [BrowserFact]
    public async Task Axe_OnEveryPage_FindsNoSeriousOrCriticalViolation()
    {
        var problems = new List<string>();
        foreach (var (path, _) in Pages.All)
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                var (page, _, context) = await OpenAsync(path, scheme);
                await using var __ = context;
                var result = await page.RunAxe();
                problems.AddRange(result.Violations
                    .Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{path} ({scheme}): {v.Id} [{v.Impact}] {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private async Task<(IPage Page, PageWatch Watch, IBrowserContext Context)> OpenAsync(string path, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await dashboard.Browser.NewContextAsync(dashboard.Server.BaseAddress, scheme);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        return (page, watch, context);
    }

    private sealed record FocusState(string Html, bool Visible);
}
