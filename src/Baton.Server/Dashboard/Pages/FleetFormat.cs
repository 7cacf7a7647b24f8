using System.Globalization;

namespace Baton.Server.Dashboard.Pages;

/// <summary>What only the fleet page writes: a score or rate as people read it (the shared pieces are <see cref="DashboardText"/>).</summary>
internal static class FleetFormat
{
    /// <summary>A score or rate as people read it (three decimals at most).</summary>
    public static string Score(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
