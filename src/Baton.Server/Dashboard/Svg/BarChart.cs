namespace Baton.Server.Dashboard.Svg;

/// <summary>One bar: its label under the axis (a day), its value, and the value as words (its tooltip and title).</summary>
internal sealed record Bar(string Label, double Value, string ValueText);

/// <summary>
/// A bar chart drawn by the server as inline SVG (the spend page's cost per day): axes, the largest value on the
/// vertical axis, one bar per item with its label under the axis, and — when there is one — a threshold (a venture's
/// daily budget) drawn as a dashed line across, bars above it classed <c>bar-over</c>. Only presentation attributes
/// and classes (the CSP refuses <c>style</c>). The page prints the same numbers in a table: the chart is never the
/// only way to read them.
/// </summary>
internal static class BarChart
{
    public const int Height = 160;
    public const int BarWidth = 22;
    public const int Gap = 10;

    /// <summary>At most this many labels under the axis: with more bars, every n-th is labelled (the newest always).</summary>
    public const int MaxLabels = 10;
    public const int Left = 56;
    public const int Right = 12;
    public const int Top = 14;
    public const int Bottom = 30;
    public const int MinWidth = 240;

    /// <param name="threshold">Drawn as a line when given (&gt; 0); a bar above it is <c>bar-over</c>.</param>
    /// <param name="thresholdText">The threshold in words (<c>budget $5.00</c>).</param>
    /// <param name="axisText">A value of the vertical axis in words (its top is the larger of the tallest bar and the threshold).</param>
    public static Html Render(IReadOnlyList<Bar> bars, string label, double? threshold, string? thresholdText, Func<double, string> axisText)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(axisText);
        var max = Math.Max(bars.Count == 0 ? 0 : bars.Max(b => b.Value), threshold ?? 0);
        if (max <= 0) max = 1;
        var width = Width(bars.Count);
        var plot = Height - Top - Bottom;
        var baseline = Top + plot;
        double Y(double value) => baseline - Math.Clamp(value / max, 0, 1) * plot;

        var labelEvery = (bars.Count + MaxLabels - 1) / MaxLabels;
        var rects = Html.Join(bars.Select((b, i) =>
        {
            var labelled = labelEvery <= 1 || (bars.Count - 1 - i) % labelEvery == 0;
            var x = Left + Gap + i * (BarWidth + Gap);
            var y = Y(b.Value);
            var over = threshold is > 0 && b.Value > threshold.Value;
            var cls = over ? "bar bar-over" : "bar";
            return Html.Of($"""<g class="bar-group"><rect class="{cls}" x="{x}" y="{Sparkline.N(y)}" width="{BarWidth}" height="{Sparkline.N(baseline - y)}"><title>{b.Label}: {b.ValueText}{(over ? " (over budget)" : "")}</title></rect>{(labelled ? Html.Of($"""<text class="bar-label" x="{Sparkline.N(x + BarWidth / 2.0)}" y="{baseline + 14}" text-anchor="middle">{Short(b.Label)}</text>""") : Html.Empty)}</g>""");
        }));
        var line = threshold is > 0
            ? Html.Of($"""<line class="threshold" x1="{Left}" x2="{width - Right}" y1="{Sparkline.N(Y(threshold.Value))}" y2="{Sparkline.N(Y(threshold.Value))}" stroke="currentColor" stroke-dasharray="4 3"/><text class="threshold-label" x="{width - Right}" y="{Sparkline.N(Y(threshold.Value) - 3)}" text-anchor="end">{thresholdText}</text>""")
            : Html.Empty;
        return Html.Of($"""
            <svg class="bar-chart" width="{width}" height="{Height}" viewBox="0 0 {width} {Height}" role="img" aria-label="{label}">
            <title>{label}</title>
            <line class="axis" x1="{Left}" x2="{Left}" y1="{Top}" y2="{baseline}" stroke="currentColor"/>
            <line class="axis" x1="{Left}" x2="{width - Right}" y1="{baseline}" y2="{baseline}" stroke="currentColor"/>
            <text class="axis-label" x="{Left - 4}" y="{Top + 4}" text-anchor="end">{axisText(max)}</text>
            <text class="axis-label" x="{Left - 4}" y="{baseline}" text-anchor="end">{axisText(0)}</text>
            {rects}
            {line}
            </svg>
            """);
    }

    public static int Width(int bars) => Math.Max(MinWidth, Left + Gap + bars * (BarWidth + Gap) + Right);

    /// <summary>A day <c>2026-12-01</c> is labelled <c>12-01</c> under its bar (the table beside it has the whole date).</summary>
    private static string Short(string label) => label.Length == 10 && label[4] == '-' && label[7] == '-' ? label[5..] : label;
}
