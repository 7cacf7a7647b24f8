using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Dashboard;

/// <summary>
/// What a page or panel renders from: the request (its query holds the filters), the caller, the caller's services —
/// the same ones the API handlers use, so the dashboard cannot drift from the API — and the time of the request.
/// </summary>
internal sealed record DashboardContext(HttpContext Http, Caller Caller, BatonServices Services, DateTimeOffset Now)
{
    public static DashboardContext For(HttpContext http) => new(
        http,
        http.Baton().Caller ?? throw new InvalidOperationException("Dashboard routes are authenticated first."),
        http.RequestServices.GetRequiredService<BatonServices>(),
        http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());

    /// <summary>A query value, trimmed; null when absent or empty.</summary>
    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) && v.ToString().Trim() is { Length: > 0 } s ? s : null;

    public bool IsAdmin => Caller.IsAdmin;

    /// <summary>
    /// The id a detail page is about: from its path (<c>/work/tasks/{id}</c>) or, when one of its panels is
    /// refreshed through <c>/panels</c>, from <c>?id=</c> — the panel's section carries it (<c>data-query</c>).
    /// </summary>
    public string? SubjectId => Http.GetRouteValue("id") as string ?? Query("id");
}
