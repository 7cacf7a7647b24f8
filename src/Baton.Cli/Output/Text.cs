using Baton.Core.Common;


namespace Baton.Cli.Output;

/// <summary>Small formatting rules shared by every verb's readable output.</summary>
public static class Text
{
    /// <summary>UTC, to the second: what a person reads in a table (the JSON output keeps milliseconds).</summary>
    public static string When(DateTimeOffset? value) =>
        value is null ? "-" : value.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Wire(DateTimeOffset value) => Timestamp.ToWire(value);

    /// <summary>
    /// The honest count line under a list: all of them ("3 sessions"), or a slice ("showing 20 of 143 sessions;
    /// next page: --cursor X"). A page is never presented as the whole.
    /// </summary>
    public static string CountLine(int shown, long total, string noun, string? nextCursor)
    {
        var line = shown >= total
            ? $"{total} {Plural(noun, total)}"
            : $"showing {shown} of {total} {Plural(noun, total)}";
        return nextCursor is null ? line : $"{line}; next page: --cursor {nextCursor}";
    }

    public static string Shorten(string? value, int max) =>
        value is null ? "-" : value.Length <= max ? value : value[..(max - 1)] + "…";

    public static string Snake(Enum value) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Plural(string noun, long count) => count == 1 ? noun : noun + "s";
}
