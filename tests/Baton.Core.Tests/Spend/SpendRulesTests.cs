using Baton.Core.Common;
using Baton.Core.Spend;

namespace Baton.Core.Tests.Spend;

public class SpendRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7d", "2026-11-24T12:00:00Z")]
    [InlineData("24h", "2026-11-30T12:00:00Z")]
    [InlineData(" 30m ", "2026-12-01T11:30:00Z")]
    [InlineData("90s", "2026-12-01T11:58:30Z")]
    [InlineData("2026-11-01T09:00:00Z", "2026-11-01T09:00:00Z")]
    [InlineData("2026-11-01T10:00:00+01:00", "2026-11-01T09:00:00Z")]
    public void Since_DurationOrTimestamp_IsThatMomentInUtc(string text, string expected)
    {
        var v = new Validator();

        var since = SpendRules.Since(v, "since", text, Now);

        v.ThrowIfAny();
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), since);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Since_Missing_IsAllTime(string? text)
    {
        var v = new Validator();

        Assert.Null(SpendRules.Since(v, "since", text, Now));
        v.ThrowIfAny();
    }

    [Theory]
    [InlineData("7")]
    [InlineData("7w")]
    [InlineData("-7d")]
    [InlineData("3651d")]
    [InlineData("2026-11-01")]
    [InlineData("yesterday")]
    public void Since_Unreadable_IsAProblemOnTheField(string text)
    {
        var v = new Validator();

        SpendRules.Since(v, "since", text, Now);

        var error = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("since", error.Errors!.Keys);
    }

    [Theory]
    [InlineData(null, SpendGrouping.Venture)]
    [InlineData("venture", SpendGrouping.Venture)]
    [InlineData("Agent", SpendGrouping.Agent)]
    [InlineData("session", SpendGrouping.Session)]
    [InlineData(" day ", SpendGrouping.Day)]
    public void Grouping_KnownName_IsThatGrouping(string? text, SpendGrouping expected)
    {
        var v = new Validator();

        Assert.Equal(expected, SpendRules.Grouping(v, "by", text));
        v.ThrowIfAny();
    }

    [Fact]
    public void Grouping_UnknownName_IsAProblemListingTheChoices()
    {
        var v = new Validator();

        SpendRules.Grouping(v, "by", "week");

        var error = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Contains("session, agent, venture, day", error.Errors!["by"][0]);
    }

    [Fact]
    public void HeaderText_ReportsWithAndWithoutCost_SaysTokensAndTheCostWhenKnown()
    {
        Assert.Null(SpendRules.HeaderText(null));
        Assert.Null(SpendRules.HeaderText(SpendTotals.None));
        Assert.Equal("spent 12,345 tokens · $0.42", SpendRules.HeaderText(new SpendTotals(2, 2, 12_000, 345, 0.415m)));
        Assert.Equal("spent 1,000 tokens", SpendRules.HeaderText(new SpendTotals(1, 0, 1_000, 0, 0m)));
        Assert.Equal("spent 10 tokens · <$0.01", SpendRules.HeaderText(new SpendTotals(1, 1, 5, 5, 0.000001m)));
        Assert.Equal("spent 0 tokens · $0.00", SpendRules.HeaderText(new SpendTotals(1, 1, 0, 0, 0m)));
    }

    [Fact]
    public void Dollars_MicroDollars_IsExact()
    {
        Assert.Equal(0.6m, SpendRules.Dollars(600_000m));
        Assert.Equal(0.000001m, SpendRules.Dollars(1m));
    }
}
