using System.Globalization;
using Baton.Core.Common;

namespace Baton.Server.Dashboard.Pages;

/// <summary>The small pieces of markup the fleet and spend pages share: times, counts, numbers, money.</summary>
internal static class FleetFormat
{
    /// <summary><c>&lt;time datetime="…"&gt;12 min ago&lt;/time&gt;</c> (or "in 12 min" for a later time); the shell's script keeps it current.</summary>
    public static Html Time(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        var words = age >= TimeSpan.Zero ? $"{Age(age)} ago" : $"in {Age(-age)}";
        return Html.Of($"""<time datetime="{Timestamp.ToWire(at)}" title="{Timestamp.ToWire(at)}">{words}</time>""");
    }

    /// <summary>A short age: "45 s", "12 min", "3 h", "2 d".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalMinutes < 1) return $"{(int)age.TotalSeconds} s";
        if (age.TotalHours < 1) return $"{(int)age.TotalMinutes} min";
        if (age.TotalDays < 1) return $"{(int)age.TotalHours} h";
        return $"{(int)age.TotalDays} d";
    }

    /// <summary>An honest count line: <c>&lt;p class="count"&gt;3 agents&lt;/p&gt;</c> or "showing 50 of 120 agents".</summary>
    public static Html CountLine(Count count, string one, string many) =>
        Html.Of($"""<p class="count" data-shown="{count.Shown}" data-total="{(count.Total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "")}">{count} {((count.Total ?? count.Shown) == 1 ? one : many)}</p>""");

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Dollars to the cent, or to the micro-dollar below a cent (so a small spend does not read as nothing).</summary>
    public static string Dollars(decimal value) =>
        value != 0 && Math.Abs(value) < 0.01m
            ? "$" + value.ToString("0.######", CultureInfo.InvariantCulture)
            : "$" + value.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>A status word as the dashboard marks it: <c>&lt;span class="status status-offline"&gt;offline&lt;/span&gt;</c>.</summary>
    public static Html Status(string word) => Html.Of($"""<span class="status status-{word}">{word}</span>""");

    /// <summary>A score or rate as people read it (three decimals at most).</summary>
    public static string Score(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
