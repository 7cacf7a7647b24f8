using Baton.Core.Common;

namespace Baton.Server.Dashboard;

/// <summary>The frame of every page: head with the assets, the navigation, who is signed in, the live-status line, the body.</summary>
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
        var header = Html.Of($"""<nav aria-label="Sections">{nav}</nav>{Who(context.Caller)}<span class="live" id="live-status" aria-live="polite"></span>""");
        return Frame(title, header, body);
    }

    /// <summary>A page shown to nobody in particular (the sign-in form): no navigation, no live updates.</summary>
    public static Html Anonymous(string title, Html body) => Frame(title, Html.Empty, body);

    /// <summary>
    /// Who is looking: the local operator (who has no key to sign out of, but may sign in with one), or the key's actor
    /// id, role and venture scope with a sign-out button — a POST form, so no link can sign anyone out.
    /// </summary>
    private static Html Who(Caller caller)
    {
        if (caller.ActorKeyId == DashboardAuth.LoopbackActorKeyId)
            return Html.Of($"""<span class="who">local operator (admin) · <a href="/sign-in">sign in with a key</a></span>""");
        var role = caller.Role == KeyRole.Admin ? "admin" : "agent";
        var scope = caller.VentureScope is { } venture ? Html.Of($"venture {venture}") : Html.Of($"all ventures");
        return Html.Of($"""
            <span class="who">key <code>{caller.ActorKeyId}</code> · {role} · {scope}</span><form class="sign-out" method="post" action="/sign-out"><button type="submit">Sign out</button></form>
            """);
    }

    private static Html Frame(string title, Html header, Html body) => Html.Of($"""
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
        <a class="skip" href="#main">Skip to content</a>
        <header class="top"><a class="brand" href="/">Baton</a>{header}</header>
        <main id="main" tabindex="-1">
        <h1>{title}</h1>
        {body}
        </main>
        </body>
        </html>
        """);
}
