using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;

namespace Baton.Server.Dashboard.Pages;

/// <summary>CONTRACT PLACEHOLDER (issue 18): replaced by the page's builder.</summary>
internal static class WorkPage
{
    public static readonly IReadOnlyList<Panel> Panels = [];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/work", (HttpContext http) =>
        {
            var context = DashboardContext.For(http);
            return new HtmlResult(DashboardLayout.Page(context, "Work", "/work", Html.Of($"<p>Not built yet.</p>")));
        }).DashboardPage();
}
