using Baton.Core.Changes;

namespace Baton.Core.Tests.Changes;

public class ChangeCursorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Change C(long seq) => new(seq, ChangeKinds.Session, "acme", $"ses_{seq}", T0);

    private static long[] Seqs(IReadOnlyList<Change> changes) => changes.Select(c => c.Seq).ToArray();

    [Fact]
    public void Next_ContiguousBatch_DeliversInSeqOrderAndMovesTheWatermark()
    {
        var (fresh, next) = ChangeCursor.After(10).Next([C(13), C(11), C(12)], T0);

        Assert.Equal([11, 12, 13], Seqs(fresh));
        Assert.Equal(13, next.Watermark);
        Assert.Empty(next.Delivered);
        Assert.Empty(next.Gaps);
    }

    [Fact]
    public void Next_SeqAtOrBelowTheWatermark_IsNotDeliveredAgain()
    {
        var (fresh, next) = ChangeCursor.After(10).Next([C(9), C(10), C(11)], T0);

        Assert.Equal([11], Seqs(fresh));
        Assert.Equal(11, next.Watermark);
    }

    [Fact]
    public void Next_HigherSeqVisibleFirst_HoldsTheWatermarkAtTheGap()
    {
        var (fresh, next) = ChangeCursor.After(40).Next([C(42)], T0);

        Assert.Equal([42], Seqs(fresh));
        Assert.Equal(40, next.Watermark);
        Assert.Equal([42L], next.Delivered);
        Assert.Equal(T0, next.Gaps[41]);
    }

    [Fact]
    public void Next_GapFilledLater_DeliversTheLateSeqOnceAndNotTheOneAlreadyDelivered()
    {
        var (_, afterFirst) = ChangeCursor.After(40).Next([C(42)], T0);

        // The next read (after the watermark, 40) sees both now.
        var (fresh, next) = afterFirst.Next([C(41), C(42), C(43)], T0.AddSeconds(1));

        Assert.Equal([41, 43], Seqs(fresh));
        Assert.Equal(43, next.Watermark);
        Assert.Empty(next.Delivered);
        Assert.Empty(next.Gaps);
    }

    [Fact]
    public void Next_GapOlderThanTheGrace_IsGivenUp()
    {
        var (_, afterFirst) = ChangeCursor.After(40).Next([C(42)], T0);

        var (stillWaiting, waiting) = afterFirst.Next([C(42)], T0 + ChangeCursor.Grace - TimeSpan.FromMilliseconds(1));
        Assert.Empty(stillWaiting);
        Assert.Equal(40, waiting.Watermark);

        var (fresh, next) = waiting.Next([C(42), C(44)], T0 + ChangeCursor.Grace);

        Assert.Equal([44], Seqs(fresh));
        // 41 is given up; 43 is a new gap, first seen now.
        Assert.Equal(42, next.Watermark);
        Assert.Equal([43L], next.Gaps.Keys);
        Assert.Equal(T0 + ChangeCursor.Grace, next.Gaps[43]);
    }

    [Fact]
    public void Next_GapKeepsItsFirstSeenTime_AcrossReads()
    {
        var (_, first) = ChangeCursor.After(0).Next([C(2)], T0);
        var (_, second) = first.Next([C(2), C(3)], T0.AddSeconds(3));

        Assert.Equal(T0, second.Gaps[1]);
    }

    [Fact]
    public void Next_EmptyBatch_ChangesNothing()
    {
        var cursor = ChangeCursor.After(7);

        var (fresh, next) = cursor.Next([], T0);

        Assert.Empty(fresh);
        Assert.Equal(7, next.Watermark);
    }

    [Fact]
    public void Next_SeveralGaps_WatermarkStopsAtTheLowestStillAwaited()
    {
        var (_, first) = ChangeCursor.After(0).Next([C(1), C(3), C(5)], T0);

        Assert.Equal(1, first.Watermark);
        Assert.Equal([2L, 4L], first.Gaps.Keys);

        var (fresh, next) = first.Next([C(2), C(3), C(5)], T0.AddSeconds(1));

        Assert.Equal([2], Seqs(fresh));
        Assert.Equal(3, next.Watermark);
        Assert.Equal([4L], next.Gaps.Keys);
        Assert.Equal([5L], next.Delivered);
    }
}
