
namespace Baton.Core.Common;

/// <summary>
/// One page of a list. <see cref="Total"/> is the exact count for the filter (never the page size);
/// <see cref="NextCursor"/> is null on the last page.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, string? NextCursor)
{
    public static Page<T> Empty { get; } = new([], 0, null);
}

/// <summary>Paging arguments shared by every list. Limits follow docs/architecture.md §7: default 20, max 200.</summary>
public readonly record struct PageRequest(int Limit, string? Cursor)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 200;

    public static PageRequest First(int limit = DefaultLimit) => new(limit, null);
}
