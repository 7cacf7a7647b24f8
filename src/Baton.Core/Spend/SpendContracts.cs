namespace Baton.Core.Spend;

// Requests and answers of spend (issue 15, docs/architecture.md §15 Spend): GET /v1/spend.

/// <summary>
/// What the sums are grouped by: the Baton session a report is attributed to, the agent, the venture, the UTC day,
/// the task, or the venture and UTC day at once (<see cref="VentureDay"/>: key the venture, label the day — the
/// dashboard's chart, in one read).
/// </summary>
public enum SpendGrouping { Venture, Agent, Session, Day, Task, VentureDay }

/// <summary>
/// Spend of <see cref="Venture"/> (every venture the caller may see when null) reported from <see cref="Since"/> on — a
/// duration back from now (<c>7d</c>, <c>24h</c>, <c>30m</c>) or an ISO 8601 timestamp; null: all time — grouped by
/// <see cref="By"/> (<c>venture</c> — the default —, <c>agent</c>, <c>session</c> or <c>day</c>). At most <see cref="Limit"/> groups (1–500, default 100) are listed; the totals
/// count every one.
/// </summary>
public sealed record SpendRequest(string? Venture = null, string? Since = null, string? By = null, int? Limit = null);

/// <summary>
/// Exact sums: tokens as integers, cost in US dollars to the micro-dollar (each report's cost rounded to a
/// micro-dollar, then summed as integers). <see cref="Reports"/> counts the usage reports summed;
/// <see cref="ReportsWithCost"/> those that carried a cost (Gemini and Codex report tokens only).
/// </summary>
public sealed record SpendTotals(long Reports, long ReportsWithCost, long InputTokens, long OutputTokens, decimal CostUsd)
{
    public static readonly SpendTotals None = new(0, 0, 0, 0, 0m);

    public long Tokens => InputTokens + OutputTokens;
}

/// <summary>
/// One group's sums. <see cref="Key"/>: the venture code, agent id, session id (null: reports no Baton session is known
/// for) or day (<c>2026-12-01</c>, UTC); <see cref="Label"/>: the agent's name when grouped by agent, the task's title
/// by task, the day (<c>2026-12-01</c>, UTC) when grouped by venture and day (then the key is the venture).
/// <see cref="FirstAt"/>/<see cref="LastAt"/>: the group's first and last report.
/// </summary>
public sealed record SpendGroup(string? Key, string? Label, SpendTotals Totals, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>
/// The answer: the period summed (<see cref="Since"/> null: from the first report; <see cref="Until"/>: when it was
/// read), the totals of every report in it, and the groups (<see cref="GroupCount"/> of them in all, the largest
/// <see cref="Groups"/> listed — newest day first when grouped by day).
/// </summary>
public sealed record SpendReport(
    SpendGrouping By,
    string? Venture,
    DateTimeOffset? Since,
    DateTimeOffset Until,
    SpendTotals Totals,
    long GroupCount,
    IReadOnlyList<SpendGroup> Groups,
    DateTimeOffset? FirstAt,
    DateTimeOffset? LastAt);

public interface ISpendService
{
    /// <summary>Tokens and cost reported with task results, attributed to venture, agent and session; a scoped key sees only its venture.</summary>
    Task<SpendReport> GetSpendAsync(SpendRequest request, CancellationToken ct);
}
