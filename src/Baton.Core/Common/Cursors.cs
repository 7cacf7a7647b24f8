namespace Baton.Core.Common;

/// <summary>
/// The one rule for cursors (docs/architecture.md §7): a cursor is opaque and only ever one a list gave out, so
/// anything else is 400 <c>invalid_cursor</c> rather than read as some other position (an empty page, or page one).
/// Id-ordered lists (sessions, handoffs, machines) continue after an id (<see cref="KeysetAfterOrNull"/>); ranked
/// lists (notes, alerts) continue at an offset (<see cref="OffsetPaging"/>).
/// </summary>
public static class Cursors
{
    public static BatonException Invalid() =>
        new(ErrorCodes.InvalidCursor,
            "cursor is not one this list gave out. Pass next_cursor from the previous page unchanged, or no cursor for the first page.",
            new Dictionary<string, string[]> { ["cursor"] = ["is not a cursor this list gave out; pass next_cursor from the previous page unchanged, or none for the first page."] });

    /// <summary>
    /// The id a keyset page continues after, or null for the first page. The cursor is the last id of the previous
    /// page, so it has that list's id shape (<paramref name="idPrefix"/>, e.g. <c>sess</c>); any other text is refused.
    /// </summary>
    public static string? KeysetAfterOrNull(string? cursor, string idPrefix)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        if (!IdGenerator.IsId(cursor, idPrefix)) throw Invalid();
        return cursor;
    }
}
