namespace Baton.Server.Dashboard;

/// <summary>The frame of every page: head with the assets, the navigation, the live-status line, the body.</summary>
internal static class DashboardLayout
{
    /// <summary>The navigation, in order: path, label, admin only.</summary>
    public static readonly IReadOnlyList<(string Path, string Label, bool AdminOnly)> Sections =
    [
        ("/", "Now", false),
        ("/work", "Work", false),
        ("/fleet", "Fleet", false),
        ("/context", "Context", false),
        ("/spend", "Spend", false),
        ("/admin", "Admin", true),
    ];

    /// <param name="current">The path of the section this page belongs to (one of <see cref="Sections"/>).</param>
    public static Html Page(DashboardContext context, string title, string current, Html body)
    {
        var nav = Html.Join(Sections.Where(s => !s.AdminOnly || context.IsAdmin).Select(s => s.Path == current
            ? Html.Of($"""<a href="{s.Path}" aria-current="page">{s.Label}</a>""")
            : Html.Of($"""<a href="{s.Path}">{s.Label}</a>""")));
        return Html.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>{title} · Baton</title>
            <link rel="stylesheet" href="/assets/app.css">
            <link rel="icon" href="data:,">
            <script src="/assets/app.js" defer></script>
            </head>
            <body>
            <header class="top"><a class="brand" href="/">Baton</a><nav aria-label="Sections">{nav}</nav><span class="live" id="live-status" aria-live="polite"></span></header>
            <main id="main">
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
    }
}
