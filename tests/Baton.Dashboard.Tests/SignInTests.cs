using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>
/// Signing in as a browser that does not look local (a forwarding header, as a reverse proxy adds): the form, a wrong
/// key's error, the admin key seeing everything, a venture-scoped key seeing only its venture, and signing out.
/// </summary>
public sealed class SignInTests(SignInTests.World world) : IClassFixture<SignInTests.World>
{
    /// <summary>Sessions and tasks in two ventures, so a scoped key has something it must not see.</summary>
    public sealed class World : IAsyncLifetime
    {
        public BrowserFixture Browser { get; } = new();
        public DashboardServer Server { get; private set; } = null!;
        public string AlphaSession { get; private set; } = "";
        public string BetaSession { get; private set; } = "";
        public string AlphaTask { get; private set; } = "";
        public string BetaTask { get; private set; } = "";
        public string AlphaKey { get; private set; } = "";

        public async Task InitializeAsync()
        {
            if (Chromium.SkipReason is not null) return;
            Server = await DashboardServer.StartAsync();
            AlphaSession = (await Server.PostAsync("/v1/sod", new { agent = "alpha-dev", venture = "alpha", repo = "alpha-console" })).GetProperty("session").GetProperty("id").GetString()!;
            BetaSession = (await Server.PostAsync("/v1/sod", new { agent = "beta-dev", venture = "beta", repo = "beta-api" })).GetProperty("session").GetProperty("id").GetString()!;
            AlphaTask = (await Server.PostAsync("/v1/tasks", new { venture = "alpha", capability = "code", title = "Alpha task" })).GetProperty("id").GetString()!;
            BetaTask = (await Server.PostAsync("/v1/tasks", new { venture = "beta", capability = "code", title = "Beta task" })).GetProperty("id").GetString()!;
            (_, var key) = await Server.CreateKeyAsync("agent", "alpha");
            AlphaKey = key;
        }

        public async Task DisposeAsync()
        {
            await Browser.DisposeAsync();
            if (Server is not null) await Server.DisposeAsync();
        }
    }

    private static readonly Dictionary<string, string> Proxied = new() { ["X-Forwarded-For"] = "203.0.113.7" };

    [BrowserFact]
    public async Task Page_FromANonLocalBrowser_GoesToTheSignInForm()
    {
        await using var context = await world.Browser.NewContextAsync(world.Server.BaseAddress, headers: Proxied);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await page.GotoAsync("/work?state=queued");

        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        Assert.Contains("next=%2Fwork%3Fstate%3Dqueued", page.Url);
        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        watch.AssertClean("/sign-in");
    }

    [BrowserFact]
    public async Task SignIn_WithAWrongKey_ShowsTheErrorAndStaysOut()
    {
        await using var context = await world.Browser.NewContextAsync(world.Server.BaseAddress, headers: Proxied);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync("bk_not_a_real_key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("unknown or revoked");
        await Expect(page.GetByLabel("API key")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty(await context.CookiesAsync());
    }

    [BrowserFact]
    public async Task SignIn_WithTheAdminKey_SeesEveryVentureAndAdminThenSignsOut()
    {
        await using var context = await world.Browser.NewContextAsync(world.Server.BaseAddress, headers: Proxied);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await SignInAsync(page, world.Server.AdminKey, "/");

        await Expect(page.Locator($"tr[data-id=\"{world.AlphaSession}\"]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-id=\"{world.BetaSession}\"]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToBeVisibleAsync();
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await page.GotoAsync("/admin");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Admin");
        watch.AssertClean("signed in as admin");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Empty(await context.CookiesAsync());
        await page.GotoAsync("/");
        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
    }

    [BrowserFact]
    public async Task SignIn_WithAVentureKey_SeesOnlyItsVentureAndNoAdmin()
    {
        await using var context = await world.Browser.NewContextAsync(world.Server.BaseAddress, headers: Proxied);
        var page = await context.NewPageAsync();
        var watch = PageWatch.On(page);

        await SignInAsync(page, world.AlphaKey, "/");

        await Expect(page.Locator($"tr[data-id=\"{world.AlphaSession}\"]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-id=\"{world.BetaSession}\"]")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);
        await page.GotoAsync("/work");
        await Expect(page.Locator($"tr[data-id=\"{world.AlphaTask}\"]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-id=\"{world.BetaTask}\"]")).ToHaveCountAsync(0);
        watch.AssertClean("signed in with a venture key");
        var admin = await page.GotoAsync("/admin");
        Assert.Equal(403, admin!.Status);
    }

    private static async Task SignInAsync(IPage page, string key, string path)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
    }
}
