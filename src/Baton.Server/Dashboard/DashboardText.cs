using System.Globalization;
using Baton.Core.Common;

namespace Baton.Server.Dashboard;

/// <summary>
/// The small pieces of markup every page shares, written once: a time the script keeps current, a status word, a
/// copyable command, an honest count with its noun, numbers and money.
/// </summary>
internal static class DashboardText
{
    /// <summary>
    /// <c>&lt;time datetime="…" title="…"&gt;3 min ago&lt;/time&gt;</c> ("in 3 min" for a later time; a dash for none):
    /// the words as of <paramref name="now"/>, which app.js keeps current with the same rule (<see cref="Ago"/>) — only
    /// on times marked <c>data-ago</c>, so a calendar day in a <c>&lt;time&gt;</c> stays a day. The <c>datetime</c> is
    /// to the second, the <c>title</c> the exact wire form.
    /// </summary>
    public static Html Time(DateTimeOffset? at, DateTimeOffset now) => at is { } value
        ? Html.Of($"""<time datetime="{value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}" title="{Timestamp.ToWire(value)}" data-ago>{Ago(value, now)}</time>""")
        : Html.Trusted("—");

    /// <summary>"just now", "3 min ago", "2 h ago", "5 d ago", or "in 3 min" — the same words app.js writes.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        if (future) span = -span;
        if (span.TotalSeconds < 60) return "just now";
        var amount = span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return future ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary><c>&lt;span class="status status-{word}"&gt;{word}&lt;/span&gt;</c>.</summary>
    public static Html Status(string word) => Html.Of($"""<span class="status status-{word}">{word}</span>""");

    /// <summary>A command to copy: the code and its button (app.js copies the code before the button).</summary>
    public static Html Copyable(string command) =>
        Html.Of($"""<code data-copy>{command}</code> <button type="button" data-copy-target>Copy</button>""");

    /// <summary>An honest count and its noun, singular only when the whole is one: "showing 50 of 10,000 tasks", "1 task".</summary>
    public static string Counted(Count count, string one, string? many = null) =>
        $"{count} {((count.Total ?? count.Shown) == 1 ? one : many ?? one + "s")}";

    /// <summary>The count as a line: <c>&lt;p class="count" data-shown data-total&gt;showing 50 of 120 agents&lt;/p&gt;</c>.</summary>
    public static Html CountLine(Count count, string one, string? many = null) =>
        Html.Of($"""<p class="count" data-shown="{count.Shown}" data-total="{(count.Total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "")}">{Counted(count, one, many)}</p>""");

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Dollars to the cent, or to the micro-dollar below a cent (so a small spend does not read as nothing).</summary>
    public static string Dollars(decimal value) =>
        value != 0 && Math.Abs(value) < 0.01m
            ? "$" + value.ToString("0.######", CultureInfo.InvariantCulture)
            : "$" + value.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>A cost as a task result reports it (a double), the same way; a dash for none.</summary>
    public static string Dollars(double? usd) => usd is { } v ? Dollars((decimal)v) : "—";
}
