using Baton.Core.Ventures;


namespace Baton.Core.Alerts;

public enum CadenceStatus { Overdue, DueSoon, NotDue }

/// <summary>Where a duty stands at a moment: when it falls due, and whether that is past, within the warning window, or later.</summary>
public sealed record CadenceState(CadenceItem Item, DateTimeOffset DueAt, CadenceStatus Status);

/// <summary>Due and overdue, judged from the clock when read (no sweeper). Pure: every input is passed in.</summary>
public static class CadenceRules
{
    /// <summary>A briefing shows duties falling due within this window, besides the overdue ones.</summary>
    public static readonly TimeSpan DueSoonWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// Due <see cref="CadenceItem.IntervalDays"/> after it was last done. A duty never done is due from the moment it was
    /// created: nobody has done it yet, so it is overdue at once.
    /// </summary>
    public static DateTimeOffset DueAt(CadenceItem item) =>
        item.LastDoneAt is { } done ? done.AddDays(item.IntervalDays) : item.CreatedAt;

    public static CadenceState Judge(CadenceItem item, DateTimeOffset now)
    {
        var due = DueAt(item);
        var status = due <= now ? CadenceStatus.Overdue : due - now <= DueSoonWindow ? CadenceStatus.DueSoon : CadenceStatus.NotDue;
        return new CadenceState(item, due, status);
    }

    /// <summary>Whether a scope's duties belong in <paramref name="venture"/>'s briefing: its own, and global ones only for the platform venture.</summary>
    public static bool ShowsIn(string scope, Venture venture) =>
        scope == venture.Code || (scope == Venture.Global && venture.Platform);

    /// <summary>What a briefing shows: overdue and due-soon duties, most overdue first.</summary>
    public static IReadOnlyList<CadenceState> ForBriefing(IEnumerable<CadenceItem> items, Venture venture, DateTimeOffset now) =>
        [.. items.Where(i => ShowsIn(i.Scope, venture))
            .Select(i => Judge(i, now))
            .Where(s => s.Status != CadenceStatus.NotDue)
            .OrderBy(s => s.DueAt)
            .ThenBy(s => s.Item.Id, StringComparer.Ordinal)];
}
