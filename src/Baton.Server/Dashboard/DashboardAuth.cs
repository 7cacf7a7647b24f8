using System.Net;
using Baton.Core.Common;
using Baton.Core.Keys;
using Baton.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Dashboard;

/// <summary>
/// Who is looking at the dashboard when no bearer key was sent (docs/decisions/0033-dashboard.md): the sign-in
/// cookie — it holds the API key itself, HttpOnly, SameSite=Strict, Secure over TLS, so revoking the key signs its
/// browser out within the key cache's second and no server-side session table is needed — or, with no cookie, the
/// operator on this machine: a loopback connection that carries no forwarding header (a reverse proxy on the same
/// host makes every visitor look local; it always adds one of them) and names a loopback host — a web page the
/// operator visits can point its own domain at 127.0.0.1 (DNS rebinding) and have the browser call this server, but
/// its requests then say <c>Host: that-domain</c>.
/// </summary>
internal static class DashboardAuth
{
    public const string CookieName = "baton_key";

    /// <summary>The actor id recorded for the keyless local operator.</summary>
    public const string LoopbackActorKeyId = "dashboard-loopback";

    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"];

    /// <summary>The key in the sign-in cookie, or null.</summary>
    public static string? CookieKeyOrNull(HttpContext http) =>
        http.Request.Cookies.TryGetValue(CookieName, out var key) && !string.IsNullOrWhiteSpace(key) ? key.Trim() : null;

    /// <summary>A request from this machine that no proxy forwarded, addressed to a loopback name.</summary>
    public static bool IsLocalOperator(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote)) return false;
        if (ForwardingHeaders.Any(h => http.Request.Headers.ContainsKey(h))) return false;
        return IsLoopbackHost(http.Request.Host.Host);
    }

    /// <summary><c>localhost</c> (and names under it), or a loopback address (<c>127.0.0.1</c>, <c>[::1]</c>).</summary>
    internal static bool IsLoopbackHost(string host)
    {
        if (string.IsNullOrEmpty(host)) return false;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The keyless local operator: an admin for this request.</summary>
    public static Caller LocalOperator(string correlationId) => new(LoopbackActorKeyId, KeyRole.Admin, null, correlationId);

    /// <summary>Unauthenticated: a page redirects to the sign-in form (coming back here after), anything else is 401.</summary>
    public static Task ChallengeAsync(HttpContext http, DashboardRoute route, string detail)
    {
        if (route.IsPage)
        {
            var next = http.Request.Path + http.Request.QueryString;
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = "/sign-in?next=" + Uri.EscapeDataString(next);
            return Task.CompletedTask;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(http, ErrorCodes.Unauthorized, detail);
    }

    /// <summary>Deletes the sign-in cookie (a revoked or unknown key, or sign-out).</summary>
    public static void ForgetCookie(HttpContext http) =>
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps });
}
