using System.Globalization;

namespace Baton.Core.Alerts;

/// <summary>Alert rules that both the webhook and the API path follow.</summary>
public static class AlertRules
{
    /// <summary>Open alerts with no occurrence for this long may be stale: their resolver may not be receiving green events.</summary>
    public static readonly TimeSpan PossiblyStaleAfter = TimeSpan.FromDays(14);

    /// <summary>The resolution reason recorded when a green run closes an alert (the event itself is in resolved_by).</summary>
    public const string ResolvedByCiReason = "CI passed again on the same workflow and branch.";

    /// <summary>
    /// Whether an alert on <paramref name="branch"/> is on its repo's default branch. The default branch is the one the
    /// repo's last webhook named; before any delivery it is taken to be <c>main</c> or <c>master</c>.
    /// </summary>
    public static bool IsDefaultBranch(string branch, string? rememberedDefault) =>
        rememberedDefault is not null
            ? string.Equals(branch, rememberedDefault, StringComparison.Ordinal)
            : branch is "main" or "master";

    /// <summary>A readable reference to the event that resolved an alert: event, delivery and run.</summary>
    public static string EventRef(string source, string deliveryId, long? runId) =>
        $"github:{source}:{deliveryId}" + (runId is { } run ? ":" + run.ToString(CultureInfo.InvariantCulture) : "");
}
