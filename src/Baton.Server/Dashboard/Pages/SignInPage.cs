using Baton.Core.Keys;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// Signing in and out of the dashboard (docs/decisions/0033-dashboard.md): the form takes an API key, checks it the
/// way <see cref="AuthMiddleware"/> checks a bearer key (by hash, through the key cache), and puts it in the HttpOnly,
/// SameSite=Strict cookie <see cref="DashboardAuth.CookieName"/> (Secure over TLS, no Max-Age: gone when the browser
/// closes). Both POSTs refuse a cross-site request when the browser says where it came from.
/// <para>
/// The form body is read here with <c>ReadFormAsync</c> rather than bound: a bound form parameter would make the route
/// declare a request type, and <see cref="BodyBufferMiddleware"/> rightly holds every route that declares one to JSON.
/// It still buffers this body under the same size limit; the rate limiter sees no caller on the anonymous POST (as on
/// every unauthenticated request) and no browser sends an Idempotency-Key.
/// </para>
/// </summary>
internal static class SignInPage
{
    public const string Path = "/sign-in";
    public const string SignOutPath = "/sign-out";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowForm).DashboardAnonymous();
        app.MapPost(Path, SignInAsync).DashboardAnonymous();
        // A page route, so without a caller it goes to the form; the cookie is honoured here because all it can do is delete itself.
        app.MapPost(SignOutPath, SignOut).DashboardPage();
    }

    private static HtmlResult ShowForm(HttpContext http) =>
        new(Form(http, NextOf(http.Request.Query["next"]), error: null));

    private static async Task<IResult> SignInAsync(HttpContext http, KeyCache keys, CancellationToken ct)
    {
        if (IsCrossSite(http)) return CrossSiteRefused();
        if (!http.Request.HasFormContentType)
            return new HtmlResult(Form(http, "/", "Send the form as the sign-in page does (a form post)."), StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        var next = NextOf(form["next"]);
        var key = form["key"].ToString().Trim();
        if (key.Length == 0)
            return new HtmlResult(Form(http, next, "Paste an API key to sign in."), StatusCodes.Status400BadRequest);
        if (await keys.FindLiveKeyOrNullAsync(KeyHashing.Hash(key), ct) is null)
            return new HtmlResult(Form(http, next, "That key is unknown or revoked. Ask an admin for a current key (`baton keys create`)."),
                StatusCodes.Status401Unauthorized);

        http.Response.Cookies.Append(DashboardAuth.CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = http.Request.IsHttps,
        });
        return SeeOther(http, next);
    }

    private static IResult SignOut(HttpContext http)
    {
        if (IsCrossSite(http)) return CrossSiteRefused();
        DashboardAuth.ForgetCookie(http);
        return SeeOther(http, Path);
    }

    private static IResult SeeOther(HttpContext http, string location)
    {
        HtmlResult.WriteSecurityHeaders(http.Response);
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static HtmlResult CrossSiteRefused() =>
        new(Html.Of($"<!doctype html><title>Refused · Baton</title><p>This form may only be sent from the dashboard itself, not from another site.</p>"),
            StatusCodes.Status403Forbidden);

    /// <summary>
    /// A browser says where a POST came from: <c>Sec-Fetch-Site</c> (anything but same-origin, or none for a request
    /// the user made directly, is another site) and <c>Origin</c> (must be this server as the request addressed it).
    /// A client that sends neither (curl) is not a browser a foreign page could drive.
    /// </summary>
    internal static bool IsCrossSite(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return true;
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        var own = $"{http.Request.Scheme}://{http.Request.Host.Value}";
        return !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Where to go after signing in: a path on this server (not <c>//host</c> or <c>/\host</c>), else <c>/</c>.</summary>
    internal static string NextOf(string? next)
    {
        if (string.IsNullOrEmpty(next) || next[0] != '/' || next.Length > 2000) return "/";
        if (next.Length > 1 && next[1] is '/' or '\\') return "/";
        // A control character (a tab or newline browsers strip) could turn "/\t/evil" into "//evil".
        if (next.Any(c => char.IsControl(c) || c == '\\')) return "/";
        // Back to the form, or to sign-out (a POST a redirect would turn into a GET), is nowhere to go.
        return next.StartsWith(Path, StringComparison.OrdinalIgnoreCase) || next.StartsWith(SignOutPath, StringComparison.OrdinalIgnoreCase) ? "/" : next;
    }

    private static Html Form(HttpContext http, string next, string? error)
    {
        var local = DashboardAuth.IsLocalOperator(http) && DashboardAuth.CookieKeyOrNull(http) is null
            ? Html.Of($"""<p class="note">You are on this machine, so you are already signed in as the <strong>local operator</strong> (an admin) without a key. <a href="/">Go to the dashboard</a>, or sign in with a key to see what that key sees.</p>""")
            : Html.Empty;
        var problem = error is null ? Html.Empty : Html.Of($"""<p class="error" role="alert" id="sign-in-error">{error}</p>""");
        var described = error is null ? Html.Empty : Html.Of($""" aria-describedby="sign-in-error" aria-invalid="true" """);
        var body = Html.Of($"""
            {local}
            {problem}
            <form class="sign-in" method="post" action="{Path}">
            <input type="hidden" name="next" value="{next}">
            <label for="key">API key</label>
            <input type="password" id="key" name="key" autocomplete="current-password" required autofocus{described}>
            <button type="submit">Sign in</button>
            </form>
            <p class="hint">An admin makes a key with <code>baton keys create --role agent --name you</code>. The key is kept in an HttpOnly cookie until the browser closes.</p>
            """);
        return DashboardLayout.Anonymous("Sign in", body);
    }
}
