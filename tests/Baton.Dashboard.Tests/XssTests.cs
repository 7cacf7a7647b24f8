using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>
/// An XSS payload (<c>&lt;script&gt;alert(1)&lt;/script&gt;</c> and <c>"&gt;&lt;img src=x onerror=alert(1)&gt;</c>) in every
/// user field the pages show — session agent and branch, hook event tool and message, task title, prompt and payload,
/// handoff summary and lists, note title and body, alert title and a <c>javascript:</c> link, agent name, venture
/// name — renders as text: no dialog opens, no injected element exists, no link runs script.
/// </summary>
public sealed class XssTests(XssDashboard dashboard, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<XssDashboard>
{
    public static TheoryData<string> Paths()
    {
        var data = Pages.Paths();
        data.Add("/work/tasks/{task}");
        data.Add("/work/workflows/{workflow}");
        data.Add("/context?venture=alpha");
        return data;
    }

    /// <summary>Pages that show at least one user field, so the payload must be there as text.</summary>
    private static readonly string[] ShowUserText = ["/", "/work", "/work/tasks/{task}", "/work/workflows/{workflow}", "/context?venture=alpha"];

    [BrowserTheory]
    [MemberData(nameof(Paths))]
    public async Task Page_WithAPayloadInEveryUserField_RendersItAsInertText(string template)
    {
        var world = dashboard.World;
        var path = template.Replace("{task}", world.SucceededTaskId, StringComparison.Ordinal)
            .Replace("{workflow}", world.WorkflowId ?? "none", StringComparison.Ordinal);
        await using var context = await dashboard.Browser.NewContextAsync(dashboard.Server.BaseAddress);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        var response = await page.GotoAsync(path);

        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("main h1")).ToBeVisibleAsync();
        await Expect(page.Locator("img[src=x], img[src='x']")).ToHaveCountAsync(0);
        await Expect(page.Locator("script:not([src='/assets/app.js'])")).ToHaveCountAsync(0);
        await Expect(page.Locator("[onerror], [onclick], [onload]")).ToHaveCountAsync(0);
        await Expect(page.Locator("a[href^='javascript:' i]")).ToHaveCountAsync(0);
        // Fleet's only user field is the agent's name, which validation keeps to letters, digits, '.', '_' and '-'.
        if (ShowUserText.Contains(template) || (template == "/fleet" && world.FieldsWithText.Contains("agent name")))
        {
            await Expect(page.Locator("main")).ToContainTextAsync(Seed.XssScript);
            await Expect(page.Locator("main")).ToContainTextAsync(Seed.XssAttribute);
        }
        watch.AssertClean(path);
    }

    [BrowserFact]
    public void Seed_WithThePayload_PutsItInTheFieldsThatAllowIt()
    {
        // Which fields took the payload is part of the report: a field that refuses it is protected by validation.
        Assert.Contains("task title/prompt/payload", dashboard.World.FieldsWithText);
        Assert.Contains("handoff summary and lists", dashboard.World.FieldsWithText);
        Assert.Contains("note title/body", dashboard.World.FieldsWithText);
        Assert.Contains("hook event message", dashboard.World.FieldsWithText);
        output.WriteLine("Refused by validation: " + string.Join("; ", dashboard.World.FieldsRefusingText));
    }
}
