using Baton.Core.Workers;

namespace Baton.Core.Tests.Workers;

/// <summary>Each CLI's limit answers, verbatim as they print them, and the reset each states.</summary>
public sealed class RateLimitsTests
{
    // 2026-08-26 19:00 UTC = 22:00 in Asia/Nicosia (UTC+3 in summer).
    private static readonly DateTimeOffset Now = new(2026, 8, 26, 19, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset? Reset(string text) => Assert.IsType<RateLimitHit>(RateLimits.Recognize(text, Now, TimeZoneInfo.Utc)).ResetsAt;

    [Fact]
    public void Recognize_ClaudeEpochAfterPipe_ThatEpoch() =>
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1788000000), Reset("Claude AI usage limit reached|1788000000"));

    [Fact]
    public void Recognize_ClaudeSessionLimitWithZone_TheNextSuchHourInThatZone() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 26, 20, 0, 0, TimeSpan.Zero), Reset("You've hit your session limit · resets 11pm (Asia/Nicosia)"));

    [Fact]
    public void Recognize_ClaudeHourAlreadyPastToday_Tomorrow() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 27, 18, 0, 0, TimeSpan.Zero), Reset("You've hit your limit · resets 9pm (Asia/Nicosia)"));

    [Fact]
    public void Recognize_ClaudeWithMinutesAndHalfHourZone_ThatMinute() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 26, 19, 20, 0, TimeSpan.Zero), Reset("You've hit your session limit · resets 12:50am (Asia/Kolkata)"));

    [Fact]
    public void Recognize_ClaudeWithDate_ThatDay() =>
        Assert.Equal(new DateTimeOffset(2026, 9, 23, 19, 0, 0, TimeSpan.Zero), Reset("You've hit your limit · resets Sep 23 at 4pm (America/Recife)"));

    [Fact]
    public void Recognize_ClaudeOlderWillResetAt_EtcZone() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 27, 18, 0, 0, TimeSpan.Zero), Reset("Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5)."));

    [Fact]
    public void Recognize_ClaudeApiRateLimitError_NoReset() =>
        Assert.Null(Reset("API Error: 429 {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"This request would exceed your account's rate limit. Please try again later.\"}}"));

    [Fact]
    public void Recognize_UnknownZone_NoResetRatherThanAWrongOne() =>
        Assert.Null(Reset("You've hit your session limit · resets 11pm (Mars/Olympus_Mons)"));

    [Fact]
    public void Recognize_GeminiQuotaResetAfter_NowPlusThatLong() =>
        Assert.Equal(Now + new TimeSpan(2, 52, 39), Reset("You have exhausted your capacity on this model. Your quota will reset after 2h52m39s."));

    [Fact]
    public void Recognize_GeminiPleaseRetryIn_FractionalSeconds() =>
        Assert.Equal(Now.AddSeconds(34.5), Reset("[API Error: You exceeded your current quota. Please retry in 34.5s]"));

    [Fact]
    public void Recognize_GeminiSuggestedRetryAfter_ThatLong() =>
        Assert.Equal(Now.AddSeconds(60), Reset("Resource has been exhausted (e.g. check quota).\nSuggested retry after 60s."));

    [Theory]
    [InlineData("You have exhausted your daily quota on this model.")]
    [InlineData("{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}")]
    [InlineData("Attempt 1 failed with status 429. Retrying with backoff...")]
    public void Recognize_GeminiWithoutAReset_LimitWithNoReset(string text) => Assert.Null(Reset(text));

    [Fact]
    public void Recognize_CodexTryAgainAtATimeToday_ThatTimeInTheLocalZone() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 26, 20, 15, 0, TimeSpan.Zero),
            Reset("You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again at 8:15 PM."));

    [Fact]
    public void Recognize_CodexTryAgainAtAnotherDay_ThatDay() =>
        Assert.Equal(new DateTimeOffset(2026, 9, 2, 8, 19, 0, TimeSpan.Zero), Reset("You’ve hit your usage limit. Try again at Sep 2nd, 2026 8:19 AM."));

    [Fact]
    public void Recognize_CodexOlderTryAgainIn_DaysHoursMinutes() =>
        Assert.Equal(Now + new TimeSpan(5, 22, 11, 0), Reset("■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 5 days 22 hours 11\nminutes."));

    [Fact]
    public void Recognize_CodexRawUsageLimitBody_ResetsAt() =>
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1788000000),
            Reset("{\"type\":\"error\",\"error\":{\"type\":\"usage_limit_reached\",\"message\":\"The usage limit has been reached\",\"plan_type\":\"plus\",\"resets_at\":1788000000,\"resets_in_seconds\":13872},\"status_code\":429}"));

    [Fact]
    public void Recognize_CodexTryAgainLater_NoReset() => Assert.Null(Reset("You've hit your usage limit. Try again later."));

    [Fact]
    public void Recognize_ResetAlreadyPast_NoReset() =>
        Assert.Null(Reset("Claude AI usage limit reached|1700000000"));

    [Fact]
    public void Recognize_IsoResetTime_ThatTime() =>
        Assert.Equal(new DateTimeOffset(2026, 8, 27, 18, 0, 0, TimeSpan.Zero), Reset("usage limit reached, resets 2026-08-27T21:00:00+03:00"));

    [Theory]
    [InlineData("")]
    [InlineData("error: the tests failed at line 429")]
    [InlineData("We discussed the subscription's limits and decided to wait.")]
    [InlineData("TypeError: cannot read properties of undefined")]
    public void Recognize_NotALimit_Null(string text) => Assert.Null(RateLimits.Recognize(text, Now, TimeZoneInfo.Utc));
}
