using System.Globalization;

namespace Baton.Core.Common;

/// <summary>
/// Paging for lists that have no key to continue after (ranked search results): the cursor is the offset of the next
/// page. Shared by every store so both answer, and refuse, the same cursors.
/// </summary>
public static class OffsetPaging
{
    /// <summary>The offset a cursor stands for; anything a list never gave out is refused by name rather than read as "start over".</summary>
    public static int ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return 0;
        if (int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return offset;
        throw Cursors.Invalid();
    }

    /// <summary>
    /// A page read with one row more than <paramref name="limit"/>: that extra row says another page follows, and is
    /// dropped here.
    /// </summary>
    public static Page<T> PageOf<T>(List<T> items, long total, int limit, int offset)
    {
        if (items.Count <= limit) return new Page<T>(items, total, null);
        items.RemoveAt(limit);
        return new Page<T>(items, total, (offset + limit).ToString(CultureInfo.InvariantCulture));
    }
}
