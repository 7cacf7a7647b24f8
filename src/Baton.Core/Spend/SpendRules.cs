using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Common;

namespace Baton.Core.Spend;

/// <summary>Pure rules of spend: the period asked for, the bounds a usage report must keep, and the briefing's few words.</summary>
public static partial class SpendRules
{
    /// <summary>At most this many tokens per report: no CLI run comes near it, and the sums stay far from a 64-bit overflow.</summary>
    public const long MaxTokensPerReport = 1_000_000_000_000;

    /// <summary>At most this many dollars per report.</summary>
    public const double MaxCostPerReport = 1_000_000;

    /// <summary>Costs are summed as integers of this many parts of a dollar, so a sum is exact whatever the order.</summary>
    public const long MicrosPerDollar = 1_000_000;

    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>
    /// <c>since</c>: a duration back from <paramref name="now"/> (<c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>; at most
    /// ten years) or an ISO 8601 timestamp; null or blank is all time. Anything else is a problem on <paramref name="v"/>.
    /// </summary>
    public static DateTimeOffset? Since(Validator v, string field, string? text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        var match = DurationPattern().Match(value);
        if (match.Success && long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var unit = match.Groups["unit"].Value switch { "s" => 1L, "m" => 60L, "h" => 3_600L, _ => 86_400L };
            if (n * unit <= 3_650L * 86_400) return Timestamp.TruncateToMilliseconds(now.AddSeconds(-n * unit));
        }
        else if (value.Contains('T', StringComparison.Ordinal)
                 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return Timestamp.TruncateToMilliseconds(at.ToUniversalTime());
        }
        v.Add(field, $"'{value}' must be a duration back from now (30m, 24h, 7d; at most 3650d) or a timestamp (2026-05-01T09:00:00Z).");
        return null;
    }

    /// <summary>What <c>by</c> may say (the CLI offers exactly these; <see cref="Grouping"/> reads them).</summary>
    public static readonly IReadOnlyList<string> GroupingNames = ["session", "agent", "venture", "day", "task", "venture_day"];

    /// <summary><c>by</c>: <c>venture</c> (also when null or blank), <c>agent</c>, <c>session</c>, <c>day</c>, <c>task</c> or <c>venture_day</c>, any case.</summary>
    public static SpendGrouping Grouping(Validator v, string field, string? text)
    {
        ArgumentNullException.ThrowIfNull(v);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "venture": return SpendGrouping.Venture;
            case "agent": return SpendGrouping.Agent;
            case "session": return SpendGrouping.Session;
            case "day": return SpendGrouping.Day;
            case "task": return SpendGrouping.Task;
            case "venture_day": return SpendGrouping.VentureDay;
            default:
                v.Add(field, $"'{text}' must be one of {string.Join(", ", GroupingNames)}.");
                return SpendGrouping.Venture;
        }
    }

    /// <summary>A sum of micro-dollars as dollars, exactly.</summary>
    public static decimal Dollars(decimal micros) => micros / MicrosPerDollar;

    /// <summary>
    /// The briefing header's few words for a session's spend (<c>spent 12,345 tokens · $0.42</c>); null when the session
    /// has no report. The cost is left out when no report carried one, and shown as <c>&lt;$0.01</c> when it rounds to nothing.
    /// </summary>
    public static string? HeaderText(SpendTotals? totals)
    {
        if (totals is null || totals.Reports == 0) return null;
        var text = $"spent {totals.Tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens";
        if (totals.ReportsWithCost == 0) return text;
        var cost = totals.CostUsd is > 0m and < 0.005m ? "<$0.01" : "$" + Math.Round(totals.CostUsd, 2, MidpointRounding.AwayFromZero).ToString("N2", CultureInfo.InvariantCulture);
        return $"{text} · {cost}";
    }

    [GeneratedRegex(@"^(?<n>\d{1,9})(?<unit>[smhd])$")]
    private static partial Regex DurationPattern();
}
