namespace Baton.Core.Spend;

/// <summary>
/// The spend side of the storage port (docs/architecture.md §15 Spend). Every store implements it inside
/// <c>IBatonStore</c> and passes <c>SpendStoreContractTests</c>. A <b>report</b> is a task result that carries usage (input
/// tokens, output tokens or cost). It belongs to its task's venture and the agent that ran the attempt, and to the
/// Baton session whose recorded native session id is the result's, the newest such session created at or before the
/// result (the CLI session the worker ran is the one its <c>baton mcp</c> opened with SOD).
/// </summary>
public interface ISpendStore
{
    /// <summary>
    /// One SQL aggregate: the reports of <see cref="SpendQuery.Venture"/> (all when null) finished in
    /// [<see cref="SpendQuery.Since"/>, <see cref="SpendQuery.Until"/>], grouped, with the totals and the number of groups
    /// over every group (not only the listed ones).
    /// </summary>
    Task<SpendSums> SumSpendAsync(SpendQuery query, CancellationToken ct);
}

public sealed record SpendQuery(string? Venture, DateTimeOffset? Since, DateTimeOffset Until, SpendGrouping By, int Limit);

/// <summary>
/// The briefing's question: the spend of the active session of (venture, agent, repo, track) — after SOD's write, the
/// caller's own session (<c>BriefingSourceQuery.Spend</c>).
/// </summary>
public sealed record SessionSpendQuery(string Venture, string Agent, string Repo, string Track);

/// <summary>What <see cref="ISpendStore.SumSpendAsync"/> answers.</summary>
public sealed record SpendSums(SpendTotals Totals, long GroupCount, IReadOnlyList<SpendGroup> Groups, DateTimeOffset? FirstAt, DateTimeOffset? LastAt);
