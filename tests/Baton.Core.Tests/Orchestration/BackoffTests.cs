using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Tests.Orchestration;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 15)]
    [InlineData(2, 30)]
    [InlineData(3, 60)]
    [InlineData(8, 1920)]
    [InlineData(9, 3600)]
    [InlineData(40, 3600)]
    [InlineData(int.MaxValue, 3600)]
    public void Delay_Attempt_IsFifteenSecondsDoublingCappedAtOneHour(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Delay(attempt));

    [Fact]
    public void Jitter_SeededRandom_StaysWithinThirtySeconds()
    {
        var random = new Random(14);
        var draws = Enumerable.Range(0, 2_000).Select(_ => Backoff.Jitter(random)).ToList();

        Assert.All(draws, j => Assert.InRange(j, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        Assert.True(draws.Max() > TimeSpan.FromSeconds(25) && draws.Min() < TimeSpan.FromSeconds(5), "the draws should spread over the range");
    }
}
