namespace Baton.Core.Alerts;

/// <summary>
/// How long an alert's text fields may be, whichever way the alert arrives: <c>POST /v1/alerts</c> and signed GitHub
/// deliveries check against these same numbers, and an over-long value is refused (400 naming the field), never
/// truncated — a cut name could merge two alerts that differ only past the cut (docs/architecture.md §7, GitHub webhooks).
/// </summary>
public static class AlertLimits
{
    /// <summary><c>org/repo</c>; also the head repository of a fork's run.</summary>
    public const int Repo = 200;

    /// <summary>The workflow's (or check app's) name.</summary>
    public const int Workflow = 200;

    /// <summary>The branch as the alert keeps it (a fork's as <c>owner:branch</c>); also a repo's default branch.</summary>
    public const int Branch = 250;

    public const int Source = 50;

    public const int Url = 2000;
}
