using System.Collections.Immutable;

namespace Baton.Core.Changes;

/// <summary>
/// Where a reader of the change log is, as a value (pure: every input passed in). On PostgreSQL a sequence number is
/// taken before its transaction commits, so seq 41 may become visible after 42: a reader that simply kept "the highest
/// seq seen" would skip 41 for ever. The cursor instead keeps
/// <list type="bullet">
/// <item><see cref="Watermark"/>: every seq at or below it was delivered or given up — the read position
/// (<see cref="IChangeStore.ReadChangesAsync"/> after it);</item>
/// <item><see cref="Delivered"/>: the seqs above the watermark already delivered (so a re-read does not repeat them);</item>
/// <item><see cref="Gaps"/>: the seqs above the watermark not seen yet, below one that was, with when each was first
/// missed. A gap is either a transaction still committing or a number no row will ever have (a rolled-back
/// transaction, a sequence's cached values lost in a crash); after <see cref="Grace"/> it is given up.</item>
/// </list>
/// SQLite has one writer and assigns seqs at commit order, so it never leaves a gap; the same code serves both.
/// </summary>
public sealed record ChangeCursor(long Watermark, ImmutableSortedSet<long> Delivered, ImmutableSortedDictionary<long, DateTimeOffset> Gaps)
{
    /// <summary>
    /// How long a missing seq is waited for. A write transaction that took its number commits within milliseconds
    /// (a heartbeat, a task transition; the longest, a dispatch pass, well under a second), so 5 s covers a loaded
    /// server; waiting longer would only hold the read position back (each read re-reads what lies above it) for a
    /// number that most likely belongs to a transaction that rolled back.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>A cursor that delivers what comes after <paramref name="seq"/> (e.g. the log's latest, to start live).</summary>
    public static ChangeCursor After(long seq) => new(seq, [], ImmutableSortedDictionary<long, DateTimeOffset>.Empty);

    /// <summary>
    /// Takes one read (<paramref name="batch"/>: changes after <see cref="Watermark"/>, in any order) and returns the
    /// changes not delivered before, in seq order, with the cursor after them. Seqs missing below the highest one
    /// delivered become gaps (first seen <paramref name="now"/>); gaps older than <see cref="Grace"/> are given up.
    /// </summary>
    public (IReadOnlyList<Change> Fresh, ChangeCursor Next) Next(IEnumerable<Change> batch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var delivered = Delivered.ToBuilder();
        var gaps = Gaps.ToBuilder();
        var highestBefore = Delivered.Count > 0 ? Delivered.Max : Watermark;

        var fresh = new List<Change>();
        foreach (var change in batch.OrderBy(c => c.Seq))
        {
            if (change.Seq <= Watermark || !delivered.Add(change.Seq)) continue;
            fresh.Add(change);
            gaps.Remove(change.Seq);
        }

        // Only the newly covered range can hold new gaps: below highestBefore every seq is delivered or a gap already.
        var highest = delivered.Count > 0 ? delivered.Max : Watermark;
        for (var seq = highestBefore + 1; seq < highest; seq++)
        {
            if (!delivered.Contains(seq)) gaps.TryAdd(seq, now);
        }

        foreach (var (seq, firstSeen) in Gaps)
        {
            if (now - firstSeen >= Grace) gaps.Remove(seq);
        }

        // Advance over what is delivered or given up (neither delivered nor waited for), up to the first live gap.
        var watermark = Watermark;
        while (watermark < highest && !gaps.ContainsKey(watermark + 1))
        {
            watermark++;
            delivered.Remove(watermark);
        }

        return (fresh, new ChangeCursor(watermark, delivered.ToImmutable(), gaps.ToImmutable()));
    }
}
