using Microsoft.AspNetCore.Builder;

namespace Baton.Server.Dashboard;

/// <summary>
/// Route metadata: a dashboard route (a page, a panel, the event stream). <see cref="Http.AuthMiddleware"/> then
/// accepts, besides a bearer key, the sign-in cookie (<see cref="DashboardAuth.CookieName"/>) and — with neither — a
/// request from this machine's loopback that no proxy forwarded (the local operator, seen as an admin). Without any of
/// them a page redirects to the sign-in form and anything else answers 401. Only GET routes carry it (and the sign-in
/// POST, which is <see cref="Anonymous"/>): a cookie never authorises a change through the API.
/// </summary>
internal sealed class DashboardRoute(bool isPage, bool anonymous = false)
{
    /// <summary>A whole page (redirects to sign-in when unauthenticated) rather than a fragment or the stream (401).</summary>
    public bool IsPage { get; } = isPage;

    /// <summary>Needs no caller at all: the sign-in form and its POST.</summary>
    public bool Anonymous { get; } = anonymous;
}

internal static class DashboardRouteExtensions
{
    /// <summary>Marks a dashboard page.</summary>
    public static TBuilder DashboardPage<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DashboardRoute(isPage: true));

    /// <summary>Marks a dashboard fragment or stream: 401 (not a redirect) when unauthenticated.</summary>
    public static TBuilder DashboardFragment<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DashboardRoute(isPage: false));

    /// <summary>Marks a dashboard route that needs no caller (sign-in).</summary>
    public static TBuilder DashboardAnonymous<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DashboardRoute(isPage: true, anonymous: true));
}
