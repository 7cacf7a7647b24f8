using Baton.Core.Common;
using Baton.Core.Keys;
using Baton.Server.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Http;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> on every route except the health check, the OpenAPI document and the
/// dashboard's assets; dashboard routes (<see cref="DashboardRoute"/>) also take the sign-in cookie or the local operator. A
/// missing, unknown or revoked key is 401 with <c>WWW-Authenticate: Bearer</c>. A valid key becomes the request's
/// <see cref="Caller"/>. A route marked <see cref="AdminOnly"/> refuses any other role here (403), before the body is
/// read or bound; checks that depend on the request (venture scope, the doc-healing exception) belong to the
/// services, which see every caller the same way in server and local mode.
/// </summary>
internal sealed class AuthMiddleware(RequestDelegate next, KeyCache keys)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (IsPublic(http.Request.Path))
        {
            await next(http);
            return;
        }

        var dashboard = http.GetEndpoint()?.Metadata.GetMetadata<DashboardRoute>();
        if (dashboard is { Anonymous: true })
        {
            await next(http);
            return;
        }

        var presented = BearerKeyOrNull(http.Request.Headers.Authorization.ToString());
        if (presented is null && dashboard is not null)
        {
            // A dashboard route: the sign-in cookie, or the operator on this machine (docs/decisions/0033-dashboard.md).
            presented = DashboardAuth.CookieKeyOrNull(http);
            if (presented is null)
            {
                if (!DashboardAuth.IsLocalOperator(http))
                {
                    await DashboardAuth.ChallengeAsync(http, dashboard, "Sign in with an API key to see the dashboard.");
                    return;
                }
                await ContinueAsAsync(http, DashboardAuth.LocalOperator(http.Baton().CorrelationId));
                return;
            }
            var cookieKey = await keys.FindLiveKeyOrNullAsync(KeyHashing.Hash(presented), http.RequestAborted);
            if (cookieKey is null)
            {
                DashboardAuth.ForgetCookie(http);
                await DashboardAuth.ChallengeAsync(http, dashboard, "The key you signed in with is unknown or revoked: sign in again.");
                return;
            }
            await ContinueAsAsync(http, new Caller(cookieKey.ActorKeyId, cookieKey.Role, cookieKey.Venture, http.Baton().CorrelationId));
            return;
        }
        if (presented is null)
        {
            await RejectAsync(http, "Send an API key as 'Authorization: Bearer <key>'. An admin creates keys with `baton keys create`.");
            return;
        }

        // The store is searched by hash, never by key; the hash comparison happens in the index, and what it could leak
        // by timing is a hash prefix, which does not help forge a key.
        var key = await keys.FindLiveKeyOrNullAsync(KeyHashing.Hash(presented), http.RequestAborted);
        if (key is null)
        {
            await RejectAsync(http, "The API key is unknown or revoked. Ask an admin for a current key (`baton keys create`).");
            return;
        }

        await ContinueAsAsync(http, new Caller(key.ActorKeyId, key.Role, key.Venture, http.Baton().CorrelationId));
    }

    private async Task ContinueAsAsync(HttpContext http, Caller caller)
    {
        http.Baton().Caller = caller;
        http.RequestServices.GetRequiredService<RequestCaller>().Caller = caller;
        // Authorization before anything looks at the body: throws forbidden, which the outer error layer answers.
        if (http.GetEndpoint()?.Metadata.GetMetadata<AdminOnly>() is { } adminOnly) caller.EnsureAdmin(adminOnly.Operation);
        await next(http);
    }

    /// <summary>
    /// Routes without a bearer key: the health check, the OpenAPI document, and GitHub's webhook, which proves itself
    /// with its HMAC signature instead (checked by the webhook service before the body is parsed).
    /// </summary>
    internal static bool IsPublic(PathString path) =>
        path.Equals("/healthz", StringComparison.OrdinalIgnoreCase) || path.Equals("/openapi/v1.json", StringComparison.OrdinalIgnoreCase) ||
        path.Equals(Api.WebhooksApi.GitHubPath, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments(DashboardAssets.PathPrefix, StringComparison.OrdinalIgnoreCase);

    private static string? BearerKeyOrNull(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var key = header[scheme.Length..].Trim();
        return key.Length == 0 ? null : key;
    }

    private static Task RejectAsync(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(http, ErrorCodes.Unauthorized, detail);
    }
}
