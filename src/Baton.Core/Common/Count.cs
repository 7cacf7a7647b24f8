using System.Globalization;

namespace Baton.Core.Common;

/// <summary>
/// An honest count: it knows whether it is the whole ("3"), a slice of a known total ("showing 10 of 270") or a slice
/// of an unknown total ("10 shown, total unknown"). Every count the briefing prints goes through this one type, so a
/// page can never be rendered as if it were the whole (the incident behind docs/architecture.md §6: "10 unresolved alerts" while
/// 270 sat in the database).
/// </summary>
public readonly record struct Count
{
    private Count(int shown, long? total)
    {
        if (shown < 0) throw new ArgumentOutOfRangeException(nameof(shown));
        if (total is not null && total < shown) throw new ArgumentOutOfRangeException(nameof(total), "A total cannot be smaller than what is shown.");
        Shown = shown;
        Total = total;
    }

    /// <summary>How many items are shown.</summary>
    public int Shown { get; }

    /// <summary>The exact total, or null when it is not known.</summary>
    public long? Total { get; }

    public bool IsWhole => Total == Shown;

    /// <summary>Items shown but not the whole: <c>Total - Shown</c>, or null when the total is unknown.</summary>
    public long? Hidden => Total - Shown;

    /// <summary>All of them are shown.</summary>
    public static Count All(int count) => new(count, count);

    /// <summary><paramref name="shown"/> of an exactly known <paramref name="total"/>.</summary>
    public static Count Slice(int shown, long total) => new(shown, total);

    /// <summary><paramref name="shown"/> items; how many exist in all is not known.</summary>
    public static Count Unknown(int shown) => new(shown, null);

    public override string ToString() => Total switch
    {
        null => $"{N(Shown)} shown, total unknown",
        var total when total == Shown => N(Shown),
        var total => $"showing {N(Shown)} of {N(total.Value)}",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
