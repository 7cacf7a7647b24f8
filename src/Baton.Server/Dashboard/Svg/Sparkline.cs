using System.Globalization;

namespace Baton.Server.Dashboard.Svg;

/// <summary>
/// A small trend line drawn by the server (no chart library in the browser): values 0–1, oldest first, as an inline
/// SVG polyline. Only presentation attributes and classes (the CSP refuses <c>style</c>), and an accessible name,
/// since the picture is not the only way to read the number it trends (the page prints the number beside it).
/// </summary>
internal static class Sparkline
{
    public const int Width = 80;
    public const int Height = 20;

    /// <summary>Inner margin, so a point at 0 or 1 and the line's width are not clipped.</summary>
    private const double Pad = 2;

    /// <summary>The line through <paramref name="values"/> (each clamped to 0–1); nothing for no value, a dot for one.</summary>
    public static Html Render(IReadOnlyList<double> values, string label)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return Html.Empty;
        var points = Points(values);
        var last = points[^1];
        var line = points.Count == 1
            ? Html.Empty
            : Html.Of($"""<polyline class="sparkline-line" fill="none" stroke="currentColor" stroke-width="1.5" points="{string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"))}"/>""");
        return Html.Of($"""<svg class="sparkline" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" role="img" aria-label="{label}"><title>{label}</title>{line}<circle class="sparkline-last" cx="{N(last.X)}" cy="{N(last.Y)}" r="2" fill="currentColor"/></svg>""");
    }

    /// <summary>Where each value is drawn: spread evenly left to right, 1 at the top, 0 at the bottom.</summary>
    public static IReadOnlyList<(double X, double Y)> Points(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var step = values.Count > 1 ? (Width - 2 * Pad) / (values.Count - 1) : 0;
        return [.. values.Select((v, i) => (
            X: values.Count > 1 ? Pad + i * step : Width / 2.0,
            Y: Pad + (1 - Math.Clamp(double.IsNaN(v) ? 0 : v, 0, 1)) * (Height - 2 * Pad)))];
    }

    /// <summary>A coordinate as SVG writes it: invariant, at most two decimals.</summary>
    internal static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
