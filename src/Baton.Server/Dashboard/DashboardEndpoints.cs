using Baton.Server.Dashboard.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard;

/// <summary>
/// The dashboard at <c>/</c> (issue 18, docs/decisions/0033-dashboard.md): server-rendered pages from the caller's own
/// services, each page a file under <c>Pages/</c>, every page's panels also served alone for live refresh.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Every panel of every page, by name: what <c>/panels/{name}</c> renders.</summary>
    public static readonly IReadOnlyDictionary<string, Panel> Panels =
        new[] { NowPage.Panels, WorkPage.Panels, FleetPage.Panels, ContextPage.Panels, SpendPage.Panels, AdminPage.Panels }
            .SelectMany(p => p)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("").ExcludeFromDescription();
        NowPage.Map(dashboard);
        WorkPage.Map(dashboard);
        FleetPage.Map(dashboard);
        ContextPage.Map(dashboard);
        SpendPage.Map(dashboard);
        AdminPage.Map(dashboard);
        dashboard.MapGet("/panels/{name}", RenderPanel).DashboardFragment();
        return app;
    }

    private static async Task<IResult> RenderPanel(string name, HttpContext http, CancellationToken ct)
    {
        if (!Panels.TryGetValue(name, out var panel)) return new HtmlResult(Html.Of($"<p>There is no panel {name}.</p>"), StatusCodes.Status404NotFound);
        return new HtmlResult(await panel.RenderSectionAsync(DashboardContext.For(http), ct));
    }
}
