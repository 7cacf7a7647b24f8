using System.Globalization;
using System.Text.RegularExpressions;

namespace Baton.Core.Workers;

/// <summary>A CLI said it hit a rate or usage limit; <see cref="ResetsAt"/> is the reset it stated (null when it stated none, or one already past).</summary>
public sealed record RateLimitHit(DateTimeOffset? ResetsAt);

/// <summary>
/// Recognises the rate- and usage-limit answers of the three CLIs in an error text (a result's message, an error
/// event, stderr) and the reset time they state. The forms, as the CLIs print them:
/// <list type="bullet">
/// <item>Claude Code: <c>Claude AI usage limit reached|1749924000</c> (epoch seconds; older versions),
/// <c>Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).</c>,
/// <c>You've hit your session limit · resets 11pm (Asia/Nicosia)</c>, <c>… · resets Apr 23 at 4pm (America/Recife)</c>;
/// the API's own <c>429 {"type":"error","error":{"type":"rate_limit_error",…}}</c>.</item>
/// <item>Gemini CLI: <c>You have exhausted your capacity on this model. Your quota will reset after 2h52m39s.</c>,
/// <c>You have exhausted your daily quota on this model.</c>, <c>… Please retry in 34.07s</c>,
/// <c>… Suggested retry after 60s.</c>, and the API's <c>"code": 429</c> / <c>RESOURCE_EXHAUSTED</c> /
/// <c>Resource has been exhausted (e.g. check quota).</c> / <c>You exceeded your current quota</c>.</item>
/// <item>Codex: <c>You've hit your usage limit. … or try again at 3:45 PM.</c> (the machine's local time; another
/// day is <c>Jul 5th, 2026 8:19 PM</c>), older <c>… try again in 5 days 22 hours 11 minutes.</c>, the raw
/// <c>usage_limit_reached</c> body with <c>resets_at</c> / <c>resets_in_seconds</c>, and <c>429 Too Many Requests</c>.</item>
/// </list>
/// Pure: the clock is <c>now</c>; a named time zone (<c>(Asia/Nicosia)</c>) is looked up in the system's zone data and
/// a time without one is read in <c>localZone</c> (the CLI printed it in the machine's zone), default
/// <see cref="TimeZoneInfo.Local"/>. A zone that cannot be found gives no reset rather than a wrong one.
/// </summary>
public static partial class RateLimits
{
    public static RateLimitHit? Recognize(string? text, DateTimeOffset now, TimeZoneInfo? localZone = null)
    {
        if (string.IsNullOrWhiteSpace(text) || !IsLimit().IsMatch(text)) return null;
        var reset = StatedReset(text, now, localZone ?? TimeZoneInfo.Local);
        return new RateLimitHit(reset is { } r && r > now ? r : null);
    }

    /// <summary>A reset stated as Unix seconds (or milliseconds), as Claude's <c>rate_limit_event.resetsAt</c> carries it.</summary>
    public static DateTimeOffset? FromEpoch(long value) =>
        value switch
        {
            <= 0 => null,
            >= 100_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value),
            _ => DateTimeOffset.FromUnixTimeSeconds(value),
        };

    private static DateTimeOffset? StatedReset(string text, DateTimeOffset now, TimeZoneInfo localZone)
    {
        if (EpochAfterPipe().Match(text) is { Success: true } pipe && long.TryParse(pipe.Groups[1].Value, CultureInfo.InvariantCulture, out var pipeEpoch))
            return FromEpoch(pipeEpoch);
        if (ResetsAtEpoch().Match(text) is { Success: true } field && long.TryParse(field.Groups[1].Value, CultureInfo.InvariantCulture, out var fieldEpoch))
            return FromEpoch(fieldEpoch);
        if (ResetsInSeconds().Match(text) is { Success: true } secs && long.TryParse(secs.Groups[1].Value, CultureInfo.InvariantCulture, out var seconds))
            return now.AddSeconds(seconds);
        if (Iso().Match(text) is { Success: true } iso
            && DateTimeOffset.TryParse(iso.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return at;
        if (After().Match(text) is { Success: true } after && Duration(after.Groups[1].Value) is { } wait)
            return now + wait;
        if (WallClock().Match(text) is { Success: true } wall) return FromWallClock(wall, now, localZone);
        return null;
    }

    /// <summary>"2h52m39s", "34.07s", "900ms", "5 days 22 hours 11 minutes", "1 hour and 5 minutes".</summary>
    private static TimeSpan? Duration(string text)
    {
        var total = TimeSpan.Zero;
        var any = false;
        foreach (Match part in DurationPart().Matches(text))
        {
            if (!double.TryParse(part.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return null;
            var unit = part.Groups[2].Value.ToLowerInvariant();
            total += unit switch
            {
                "ms" or "millisecond" or "milliseconds" => TimeSpan.FromMilliseconds(n),
                _ when unit.StartsWith('s') => TimeSpan.FromSeconds(n),
                _ when unit.StartsWith('m') => TimeSpan.FromMinutes(n),
                _ when unit.StartsWith('h') => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
            any = true;
        }
        return any ? total : null;
    }

    /// <summary>
    /// "11pm (Asia/Nicosia)", "12:50am", "3:45 PM", "Apr 23 at 4pm (America/Recife)", "Jul 5th, 2026 8:19 PM": without a
    /// date, the next time the clock in that zone shows it; with a date but no year, the nearest such day not past.
    /// </summary>
    private static DateTimeOffset? FromWallClock(Match m, DateTimeOffset now, TimeZoneInfo localZone)
    {
        var zone = localZone;
        if (m.Groups["tz"].Success)
        {
            var name = m.Groups["tz"].Value.Trim();
            if (name is "UTC" or "GMT") zone = TimeZoneInfo.Utc;
            else if (!TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found)) return null;
            else zone = found;
        }

        var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = m.Groups["min"].Success ? int.Parse(m.Groups["min"].Value, CultureInfo.InvariantCulture) : 0;
        if (hour is < 1 or > 12 || minute > 59) return null;
        var pm = char.ToLowerInvariant(m.Groups["ampm"].Value[0]) == 'p';
        hour = hour % 12 + (pm ? 12 : 0);

        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        if (!m.Groups["mon"].Success)
        {
            var today = At(localNow.Date, hour, minute, zone);
            return today > now ? today : At(localNow.Date.AddDays(1), hour, minute, zone);
        }

        var month = Array.IndexOf(Months, m.Groups["mon"].Value[..3].ToLowerInvariant()) + 1;
        var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
        var year = m.Groups["year"].Success ? int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture) : localNow.Year;
        if (month < 1 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        var dated = At(new DateTime(year, month, day), hour, minute, zone);
        // "Jan 2 at 4pm" read on Dec 31 is next year's.
        if (!m.Groups["year"].Success && dated < now - TimeSpan.FromDays(1) && day <= DateTime.DaysInMonth(year + 1, month))
            dated = At(new DateTime(year + 1, month, day), hour, minute, zone);
        return dated;
    }

    private static DateTimeOffset At(DateTime date, int hour, int minute, TimeZoneInfo zone)
    {
        var wall = DateTime.SpecifyKind(date.Date.AddHours(hour).AddMinutes(minute), DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    // What makes a text a limit answer. A bare "429" is not enough (a line number, a count): it must come with the
    // words of a status or a rate.
    [GeneratedRegex(
        @"usage limit|session limit|weekly limit|hit your (?:\w+ )?limit|rate[ _-]?limit(?:ed|_error| exceeded| reached)|usage_limit_reached" +
        @"|resource_exhausted|resource (?:has been )?exhausted|exhausted your (?:capacity|daily quota|quota)|exceeded your current quota|quota (?:exceeded|will reset)" +
        @"|too many requests|\b(?:status|code|error)\W{0,4}429\b|\b429\b\W{0,4}(?:too many|\{)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsLimit();

    [GeneratedRegex(@"limit reached\|(\d{9,13})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EpochAfterPipe();

    [GeneratedRegex(@"resets_?at""?\s*[:=]\s*(\d{9,13})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResetsAtEpoch();

    [GeneratedRegex(@"resets_in_seconds""?\s*[:=]\s*(\d{1,9})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResetsInSeconds();

    [GeneratedRegex(@"(?:resets?|reset at|try again at)\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    [GeneratedRegex(
        @"(?:reset|retry|try again)\s+(?:after|in)\s+((?:\d+(?:\.\d+)?\s*(?:milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)(?![a-z])(?:\s*,?\s*(?:and\s+)?)?)+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex After();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*(milliseconds?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)(?![a-z])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    [GeneratedRegex(
        @"(?:resets|reset at|try again at)\s+(?:(?<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?<year>\d{4}))?,?\s+(?:at\s+)?)?" +
        @"(?<h>\d{1,2})(?::(?<min>\d{2}))?\s*(?<ampm>[ap])\.?m\b\.?(?:\s*\((?<tz>[^)]+)\))?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WallClock();
}
