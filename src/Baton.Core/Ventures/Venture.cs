using Baton.Core.Workflows;

namespace Baton.Core.Ventures;

/// <summary>
/// A registered venture (a project or product line). The registry (<c>ventures.json</c> loaded into the store) is the
/// source of truth every feature reads instead of hard-coding venture lists.
/// </summary>
/// <param name="Code">2–12 lowercase letters or digits; the key everything else carries.</param>
/// <param name="Org">GitHub organisation (or user) owning <paramref name="Repos"/>.</param>
/// <param name="Repos">Repository names under <paramref name="Org"/> (no org prefix).</param>
/// <param name="Platform">True for the enterprise-level venture that sees global duties.</param>
/// <param name="DailyBudgetUsd">Dollars its tasks may spend per UTC day (&gt; 0), or null for no budget: the dispatcher holds a task that could exceed it (<c>BudgetRule</c>).</param>
/// <param name="FollowUps">Tasks created when a task of a capability succeeds (docs/architecture.md §14 Supervision); null reads as none.</param>
/// <param name="Workflow">Its project workflows' settings (ventures.json <c>workflow</c>, docs/architecture.md §17); null: <see cref="WorkflowSettings.Default"/>.</param>
public sealed record Venture(
    string Code,
    string Name,
    string Org,
    IReadOnlyList<string> Repos,
    IReadOnlyList<string> Capabilities,
    string? SecretsPath,
    string? DesignSpec,
    bool Platform,
    IReadOnlyList<string> NoteTags,
    double? DailyBudgetUsd = null,
    IReadOnlyList<FollowUpRule>? FollowUps = null,
    WorkflowSettings? Workflow = null)
{
    /// <summary>The venture's follow-up rules, in file order (never null).</summary>
    public IReadOnlyList<FollowUpRule> FollowUps { get; init; } = FollowUps ?? [];

    /// <summary>The scope used for things that are explicitly cross-venture.</summary>
    public const string Global = "global";

    /// <summary>The repo the directive points agents at: the first registered repo, as <c>org/repo</c>.</summary>
    public string PrimaryRepo => Repos.Count > 0 ? $"{Org}/{Repos[0]}" : Org;
}
