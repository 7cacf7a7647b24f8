using System.Globalization;

namespace Baton.Server.Dashboard;

/// <summary>Small pieces of markup the pages share: a time the script keeps current, a status word, a copyable command.</summary>
internal static class DashboardText
{
    /// <summary><c>&lt;time datetime="…"&gt;3 min ago&lt;/time&gt;</c>: the text as of <paramref name="now"/>; app.js keeps it current.</summary>
    public static Html Time(DateTimeOffset at, DateTimeOffset now) =>
        Html.Of($"""<time datetime="{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}">{Ago(now - at)}</time>""");

    /// <summary>"just now", "3 min ago", "2 h ago", "5 d ago" — the same words app.js writes.</summary>
    public static string Ago(TimeSpan span)
    {
        if (span < TimeSpan.Zero) return "just now";
        if (span.TotalSeconds < 60) return "just now";
        if (span.TotalMinutes < 60) return $"{(int)span.TotalMinutes} min ago";
        if (span.TotalHours < 48) return $"{(int)span.TotalHours} h ago";
        return $"{(int)span.TotalDays} d ago";
    }

    /// <summary><c>&lt;span class="status status-{word}"&gt;{word}&lt;/span&gt;</c>.</summary>
    public static Html Status(string word) => Html.Of($"""<span class="status status-{word}">{word}</span>""");

    /// <summary>A command to copy: the code and its button (app.js copies the code before the button).</summary>
    public static Html Copyable(string command) =>
        Html.Of($"""<code data-copy>{command}</code> <button type="button" data-copy-target>Copy</button>""");
}
