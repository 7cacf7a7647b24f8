using System.Net;
using Baton.Server.Dashboard;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Dashboard.ShellHttp;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// What every dashboard answer promises (docs/decisions/0033-dashboard.md): a CSP without unsafe-inline on every page
/// and panel; without a key only the local operator gets in (a request a proxy forwarded is sent to sign in, or 401
/// for a fragment or the stream); the sign-in cookie never authorises an API write.
/// </summary>
public sealed class DashboardSecurityTests
{
    public static TheoryData<string> PageAndPanelRoutes()
    {
        var routes = new TheoryData<string>();
        foreach (var section in DashboardLayout.Sections) routes.Add(section.Path);
        foreach (var name in DashboardEndpoints.Panels.Keys)
        {
            routes.Add("/panels/" + name);
            routes.Add("/panels?names=" + name);
        }
        routes.Add("/sign-in");
        return routes;
    }

    [Theory]
    [MemberData(nameof(PageAndPanelRoutes))]
    public async Task Route_ForTheLocalOperator_Is200HtmlWithAStrictCsp(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, path);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [MemberData(nameof(PageAndPanelRoutes))]
    public async Task Route_HasNoInlineScriptStyleOrHandler(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotMatch("\\sstyle\\s*=", html);
        Assert.DoesNotMatch("\\son[a-z]+\\s*=", html);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var section in DashboardLayout.Sections) pages.Add(section.Path);
        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_FromANonLocalRequestWithoutAKey_RedirectsToSignInComingBackAfter(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await GetAsync(browser, path);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/sign-in?next=" + Uri.EscapeDataString(path), response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("rebound.example.org", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("localhost", true)]
    [InlineData("app.localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    public async Task Page_FromLoopbackWithoutAKey_IsTheLocalOperatorOnlyWhenItNamesALoopbackHost(string host, bool local)
    {
        // DNS rebinding: a page the operator visits points its own name at 127.0.0.1 and calls this server from the
        // browser; the connection is loopback but the Host header is the attacker's name.
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = $"{host}:{server.Server.BaseAddress.Port}";

        using var response = await browser.SendAsync(request);

        Assert.Equal(local ? HttpStatusCode.OK : HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Theory]
    [InlineData("/panels/sessions")]
    [InlineData("/panels?names=waiting,sessions")]
    [InlineData("/v1/events/stream")]
    public async Task FragmentOrStream_FromANonLocalRequestWithoutAKey_Is401(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await GetAsync(browser, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cookie_DoesNotAuthoriseAnApiWrite(bool forwarded)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks")
        {
            Content = TestServer.Json("""{"venture":"alpha","capability":"code","payload":{"goal":"x"}}"""),
        };
        request.Headers.Add("Cookie", $"{CookieName}={server.AdminKey}");

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Panels_NamingUnknownPanels_Is404NamingThem()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/panels?names=sessions,nope," + Uri.EscapeDataString(Script));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Panels_WithSeveralNames_AnswersEachSectionOnce()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/panels?names=waiting,sessions,waiting");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "data-panel=\"waiting\""));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "data-panel=\"sessions\""));
    }
}
