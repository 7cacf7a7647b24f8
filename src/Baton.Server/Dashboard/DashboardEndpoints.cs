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
        dashboard.MapGet("/panels", RenderPanels).DashboardFragment();
        SignInPage.Map(dashboard);
        return app;
    }

    /// <summary>The most panels one request may ask for: more than any page has.</summary>
    private const int MaxPanelsPerRequest = 20;

    /// <summary>
    /// <c>/panels?names=a,b&amp;…the page's query</c>: several sections in one answer, one after another — what the
    /// script asks for when changes made some of a page's panels stale, so a page costs one request per refresh
    /// however many of its panels changed.
    /// </summary>
    private static async Task<IResult> RenderPanels(HttpContext http, CancellationToken ct)
    {
        var names = http.Request.Query["names"].ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0 || names.Count > MaxPanelsPerRequest)
            return new HtmlResult(Html.Of($"<p>Name 1 to {MaxPanelsPerRequest} panels: /panels?names=a,b.</p>"), StatusCodes.Status400BadRequest);
        var unknown = names.Where(n => !Panels.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            return new HtmlResult(Html.Of($"<p>There is no panel {string.Join(", ", unknown)}.</p>"), StatusCodes.Status404NotFound);
        var context = DashboardContext.For(http);
        var sections = new List<Html>(names.Count);
        foreach (var name in names) sections.Add(await Panels[name].RenderSectionAsync(context, ct));
        return new HtmlResult(Html.Join(sections));
    }

    private static async Task<IResult> RenderPanel(string name, HttpContext http, CancellationToken ct)
    {
        if (!Panels.TryGetValue(name, out var panel)) return new HtmlResult(Html.Of($"<p>There is no panel {name}.</p>"), StatusCodes.Status404NotFound);
        return new HtmlResult(await panel.RenderSectionAsync(DashboardContext.For(http), ct));
    }
}
