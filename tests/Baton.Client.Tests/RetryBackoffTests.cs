namespace Baton.Client.Tests;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Theory]
    [InlineData(1, 50, 100)]
    [InlineData(2, 100, 200)]
    [InlineData(3, 200, 400)]
    [InlineData(10, 1000, 2000)] // capped at MaxDelay
    public void DelayFor_AnyJitter_StaysWithinHalfToAllOfThePlannedDelay(int retry, int minMs, int maxMs)
    {
        var lowest = RetryBackoff.DelayFor(retry, Base, Max, jitter: 0);
        var highest = RetryBackoff.DelayFor(retry, Base, Max, jitter: 0.999999);

        Assert.Equal(minMs, lowest.TotalMilliseconds, precision: 3);
        Assert.InRange(highest.TotalMilliseconds, maxMs - 0.01, maxMs);
    }

    [Fact]
    public void DelayFor_HugeRetryNumber_DoesNotOverflowPastTheCap()
    {
        var delay = RetryBackoff.DelayFor(int.MaxValue, Base, Max, jitter: 0.5);

        Assert.InRange(delay, Max / 2, Max);
    }

    [Fact]
    public void DelayFor_RetryBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryBackoff.DelayFor(0, Base, Max, 0));
    }
}
