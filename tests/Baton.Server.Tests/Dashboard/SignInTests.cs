using System.Net;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Dashboard.ShellHttp;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// Signing in to the dashboard with an API key (docs/decisions/0033-dashboard.md): the key goes into an HttpOnly,
/// SameSite=Strict cookie checked on every request like a bearer key; a wrong key, an open redirect and a cross-site
/// POST are refused; a revoked key's cookie sends the browser back to the form.
/// </summary>
public sealed class SignInTests
{
    [Fact]
    public async Task SignIn_WithAWrongKey_ShowsTheFormWithAnErrorAndSetsNoCookie()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await SignInAsync(browser, "bk_not-a-real-key");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown or revoked", html, StringComparison.Ordinal);
        Assert.Contains("""<input type="password" id="key" name="key" """, html, StringComparison.Ordinal);
        Assert.Null(SetCookie(response));
    }

    [Fact]
    public async Task SignIn_WithAKey_SetsAnHttpOnlyStrictCookieWithoutSecureOverHttpAndRedirectsToNext()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);

        using var response = await SignInAsync(browser, key, next: "/work?state=failed");
        var cookie = SetCookie(response);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/work?state=failed", response.Headers.Location?.OriginalString);
        Assert.NotNull(cookie);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Equal($"{CookieName}={key}".ToLowerInvariant(), attributes[0]);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("max-age", StringComparison.Ordinal) || a.StartsWith("expires", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cookie_FromANonLocalRequest_SignsItInAsTheKeyAndTheHeaderSaysWho()
    {
        await using var server = await TestServer.StartAsync();
        var (id, key) = await server.CreateKeyAsync("agent", venture: "beta");
        using var browser = Browser(server, forwarded: true);
        var actor = await ActorOfAsync(server, id);

        using var without = await GetAsync(browser, "/");
        using var with = await GetAsync(browser, "/", cookie: key);
        var html = await with.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.SeeOther, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Contains($"key <code>{actor}</code> · agent · venture beta", html, StringComparison.Ordinal);
        Assert.Contains("""<form class="sign-out" method="post" action="/sign-out">""", html, StringComparison.Ordinal);
        Assert.DoesNotContain("""href="/admin" """.Trim(), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_OfARevokedKey_RedirectsToSignInAndDeletesTheCookie()
    {
        await using var server = await TestServer.StartAsync();
        var (id, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);
        using var revoke = await server.Admin.DeleteAsync($"/v1/admin/keys/{id}");
        Assert.True(revoke.IsSuccessStatusCode, $"revoke answered {(int)revoke.StatusCode}");

        using var response = await GetAsync(browser, "/work?x=1", cookie: key);
        var cookie = SetCookie(response);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/sign-in?next=" + Uri.EscapeDataString("/work?x=1"), response.Headers.Location?.OriginalString);
        Assert.NotNull(cookie);
        Assert.Contains("expires=thu, 01 jan 1970", cookie.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/sign-out")]
    public async Task SignIn_WithANextOffThisServer_RedirectsHomeInstead(string next)
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);

        using var response = await SignInAsync(browser, key, next);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task SignIn_FromAnotherSite_IsRefusedWithoutACookie(string header, string value)
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);

        using var response = await SignInAsync(browser, key, "/", (header, value));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(SetCookie(response));
    }

    [Fact]
    public async Task SignIn_FromThisServersOwnOrigin_IsAccepted()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);
        var origin = server.Server.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var response = await SignInAsync(browser, key, "/", ("Origin", origin), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.NotNull(SetCookie(response));
    }

    [Fact]
    public async Task SignOut_DeletesTheCookieAndRedirectsToTheForm()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);

        using var response = await PostFormAsync(browser, "/sign-out", [], cookie: key);
        var cookie = SetCookie(response);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/sign-in", response.Headers.Location?.OriginalString);
        Assert.NotNull(cookie);
        Assert.Contains("expires=thu, 01 jan 1970", cookie.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithoutASignedInCaller_GoesToTheFormAndDeletesNothing()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await PostFormAsync(browser, "/sign-out", []);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.StartsWith("/sign-in?next=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Null(SetCookie(response));
    }

    [Fact]
    public async Task SignInForm_ForTheLocalOperator_SaysTheyAreAlreadySignedInAndKeepsNextEscaped()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/sign-in?next=" + Uri.EscapeDataString("/fleet?q=" + Breakout));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("already signed in as the <strong>local operator</strong>", html, StringComparison.Ordinal);
        Assert.Contains("""<input type="hidden" name="next" value="/fleet?q=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">""", html, StringComparison.Ordinal);
        Assert.Contains("""<label for="key">API key</label>""", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInForm_FromAnotherMachine_HasNoLocalOperatorNote()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await GetAsync(browser, "/sign-in");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("local operator", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_AFormPost_IsNotRefusedAsANonJsonBodyWhileAnApiRouteStillIs()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, forwarded: true);

        using var signIn = await SignInAsync(browser, key);
        using var api = await server.Admin.PostAsync("/v1/tasks", new FormUrlEncodedContent([new("venture", "alpha")]));

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, api.StatusCode);
    }
}
