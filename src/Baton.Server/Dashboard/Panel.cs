namespace Baton.Server.Dashboard;

/// <summary>
/// A part of a page that refreshes on its own: rendered inside its page, and alone at <c>/panels/{Name}</c> (with the
/// page's query string) when the event stream reports a change of a kind in <see cref="RefreshOn"/> — the browser's
/// script swaps the section for the new one. Without JavaScript the page shows the same panels, read once.
/// </summary>
/// <param name="Name">Unique across the dashboard; the section's id is <c>panel-{Name}</c>.</param>
/// <param name="RefreshOn">Change kinds (<see cref="Baton.Core.Changes.ChangeKinds"/>) that make it stale.</param>
/// <param name="Render">The panel's content (without its section and heading).</param>
internal sealed record Panel(string Name, string Title, IReadOnlyList<string> RefreshOn, Func<DashboardContext, CancellationToken, Task<Html>> Render)
{
    /// <summary>The section: heading and content, with what the script needs to refresh it.</summary>
    public async Task<Html> RenderSectionAsync(DashboardContext context, CancellationToken ct)
    {
        var content = await Render(context, ct);
        // A detail page's id is in its path, which /panels does not see: the section carries it for the script.
        var query = context.SubjectId is { } id ? "id=" + Uri.EscapeDataString(id) : "";
        return Html.Of($"""
            <section class="panel" id="panel-{Name}" data-panel="{Name}" data-refresh-on="{string.Join(' ', RefreshOn)}" data-query="{query}" aria-labelledby="panel-{Name}-title">
            <h2 id="panel-{Name}-title">{Title}</h2>
            {content}
            </section>
            """);
    }
}
