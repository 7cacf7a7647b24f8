using System.Text.RegularExpressions;
using Baton.Core.Orchestration.Dispatch;
using Baton.Server.Dashboard.Pages;
using Baton.Server.Dashboard.Svg;

namespace Baton.Server.Tests.Dashboard;

/// <summary>The server-drawn charts (issue 18): what they draw, that data in them is escaped, and no style attribute (CSP).</summary>
public sealed partial class SvgTests
{
    [GeneratedRegex("points=\"([^\"]*)\"")]
    private static partial Regex PointsPattern();

    [GeneratedRegex("<rect class=\"(bar[^\"]*)\" x=\"([0-9.]+)\" y=\"([0-9.]+)\" width=\"[0-9.]+\" height=\"([0-9.]+)\"")]
    private static partial Regex RectPattern();

    [Fact]
    public void Sparkline_Values_DrawsOnePointEachLeftToRightWithOneAtTheTopAndZeroAtTheBottom()
    {
        var svg = Sparkline.Render([0.0, 0.5, 1.0], "trend <b>").ToString();

        var points = PointsPattern().Match(svg).Groups[1].Value.Split(' ');
        Assert.Equal(["2,18", "40,10", "78,2"], points);
        Assert.Contains("role=\"img\" aria-label=\"trend &lt;b&gt;\"", svg, StringComparison.Ordinal);
        Assert.Contains("<circle class=\"sparkline-last\" cx=\"78\" cy=\"2\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparkline_OneValueOrNone_DrawsADotOrNothing()
    {
        var one = Sparkline.Render([2.0], "one").ToString();

        Assert.DoesNotContain("<polyline", one, StringComparison.Ordinal);
        // Clamped to 0–1: drawn at the top, in the middle.
        Assert.Contains("cx=\"40\" cy=\"2\"", one, StringComparison.Ordinal);
        Assert.True(Sparkline.Render([], "none").IsEmpty);
    }

    [Fact]
    public void Trend_History_IsTheDispatchersRollingSuccessAfterEachResultOldestFirst()
    {
        var newestFirst = new[] { true, false, true }.Select(s => new ResultSample(s, DateTimeOffset.UnixEpoch)).ToList();

        var trend = FleetPage.Trend(newestFirst);

        Assert.Equal(3, trend.Count);
        Assert.Equal(Scoring.RollingSuccess(newestFirst[2..]), trend[0]);
        Assert.Equal(Scoring.RollingSuccess(newestFirst[1..]), trend[1]);
        Assert.Equal(Scoring.RollingSuccess(newestFirst), trend[2]);
        // The oldest result alone succeeded; then a failure came after it (weight 1 against 0.95).
        Assert.Equal(1.0, trend[0]);
        Assert.Equal(0.95 / 1.95, trend[1], 12);
    }

    [Fact]
    public void BarChart_WithAThreshold_DrawsAxesOneBarPerItemTheLineAndClassesBarsOverIt()
    {
        var bars = new[] { new Bar("2026-12-01", 1.0, "$1.00"), new Bar("2026-12-02", 3.0, "$3.00"), new Bar("2026-12-03", 0, "$0.00") };

        var svg = BarChart.Render(bars, "cost of <alpha>", 2.0, "budget $2.00", v => $"${v:0.00}").ToString();

        var rects = RectPattern().Matches(svg).Select(m => (Class: m.Groups[1].Value, Height: double.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["bar", "bar bar-over", "bar"], rects.Select(r => r.Class));
        // The tallest bar fills the plot (160 − 14 − 30 = 116); the others in proportion.
        Assert.Equal([116.0 / 3, 116.0, 0.0], rects.Select(r => r.Height), new Tolerance(0.01));
        Assert.Equal(2, Regex.Matches(svg, "<line class=\"axis\"").Count);
        Assert.Contains("<line class=\"threshold\"", svg, StringComparison.Ordinal);
        Assert.Contains(">budget $2.00</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">$3.00</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">12-01</text>", svg, StringComparison.Ordinal);
        Assert.Contains("2026-12-02: $3.00 (over budget)", svg, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"cost of &lt;alpha&gt;\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void BarChart_ManyBars_LabelsEveryNthDayEndingWithTheNewest()
    {
        var bars = Enumerable.Range(1, 30).Select(d => new Bar($"2026-11-{d:00}", d, $"${d}")).ToList();

        var svg = BarChart.Render(bars, "cost", null, null, v => $"{v}").ToString();

        var labels = Regex.Matches(svg, "<text class=\"bar-label\"[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(30, Regex.Matches(svg, "<rect class=\"bar").Count);
        Assert.Equal(["11-03", "11-06", "11-09", "11-12", "11-15", "11-18", "11-21", "11-24", "11-27", "11-30"], labels);
    }

    [Fact]
    public void BarChart_WithoutAThreshold_DrawsNoLineAndNoBarOver()
    {
        var svg = BarChart.Render([new Bar("2026-12-01", 5.0, "$5.00")], "cost", null, null, v => $"{v}").ToString();

        Assert.DoesNotContain("threshold", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("bar-over", svg, StringComparison.Ordinal);
        Assert.Equal(BarChart.MinWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), Regex.Match(svg, "<svg class=\"bar-chart\" width=\"([0-9]+)\"").Groups[1].Value);
    }

    [Fact]
    public void BarChart_AThresholdAboveEveryBar_ScalesToTheThresholdSoTheLineIsInside()
    {
        var svg = BarChart.Render([new Bar("2026-12-01", 1.0, "$1.00")], "cost", 4.0, "budget", v => $"{v:0}").ToString();

        var height = double.Parse(RectPattern().Match(svg).Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(29.0, height, 2);
        Assert.Contains("y1=\"14\" y2=\"14\"", svg, StringComparison.Ordinal);
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
