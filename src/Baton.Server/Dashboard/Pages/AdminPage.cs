using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// Admin (<c>/admin</c>), read-only: the API keys (the key service's list, which is admin-only itself). Another caller
/// gets a 403 page in words; the navigation does not offer it to them.
/// </summary>
internal static class AdminPage
{
    /// <summary>Keys have no change kind of their own: the panel is read with the page.</summary>
    private static readonly Panel Keys = new("keys", "API keys", Array.Empty<string>(), RenderKeysAsync);

    public static readonly IReadOnlyList<Panel> Panels = [Keys];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/admin", async (HttpContext http, CancellationToken ct) =>
        {
            var context = DashboardContext.For(http);
            if (!context.IsAdmin) return Forbidden(context);
            return new HtmlResult(DashboardLayout.Page(context, "Admin", "/admin", await Keys.RenderSectionAsync(context, ct)));
        }).DashboardPage();

    public static HtmlResult Forbidden(DashboardContext context) =>
        new(DashboardLayout.Page(context, "Admin", "/admin",
            Html.Of($"""<p class="error" role="alert">This page is for admin keys only; the key you signed in with has the agent role. Sign in with an admin key to see it.</p>""")),
            StatusCodes.Status403Forbidden);

    private static async Task<Html> RenderKeysAsync(DashboardContext context, CancellationToken ct)
    {
        // The panel route serves it alone too: the service's own admin check answers there.
        if (!context.IsAdmin) return Html.Of($"""<p class="error">The key list is for admin keys only.</p>""");
        var keys = await context.Services.Keys.ListKeysAsync(ct);
        if (keys.Count == 0) return Html.Of($"""<p class="empty">No keys.</p>""");
        var rows = Html.Join(keys.OrderBy(k => k.RevokedAt is not null).ThenByDescending(k => k.CreatedAt).Select(k => Html.Of($"""
            <tr data-id="{k.Id}">
            <td><code>{k.Id}</code></td>
            <td>{k.Name}</td>
            <td>{(k.Role == KeyRole.Admin ? "admin" : "agent")}</td>
            <td>{k.Venture ?? "all ventures"}</td>
            <td><code>{k.ActorKeyId}</code></td>
            <td>{DashboardText.Time(k.CreatedAt, context.Now)}</td>
            <td>{(k.RevokedAt is { } revoked ? Html.Of($"{DashboardText.Status("revoked")} {DashboardText.Time(revoked, context.Now)}") : DashboardText.Status("active"))}</td>
            </tr>
            """)));
        return Html.Of($"""
            <p class="count">{Count.All(keys.Count)} keys</p>
            <table>
            <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Venture</th><th scope="col">Actor id</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            <p class="hint">Keys are made and revoked with <code>baton keys create</code> and <code>baton keys revoke</code>; this page only reads. When a key was last used is not recorded per key.</p>
            """);
    }
}
