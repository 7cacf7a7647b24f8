using Baton.Core.Alerts;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Storage.Relational;

/// <summary>
/// The WHERE clauses of the lists both stores answer alike. Each store still reads the page its own way; the filter,
/// and so which rows count, is decided here once.
/// </summary>
internal static class ListFilters<TDialect> where TDialect : ISqlDialect
{
    /// <summary>The briefing order: most severe first (the enum is declared most severe first), then oldest.</summary>
    public const string AlertsBySeverityThenOldest =
        "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, first_seen, id";

    public static Filter<TDialect> Sessions(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter<TDialect>();
        filter.Equal("venture", query.Venture);
        filter.Equal("agent", query.Agent);
        filter.Equal("repo", query.Repo);

        // The status filter means the status as seen now: a stored-active session at or past the cutoff reads as
        // abandoned. Judging it in SQL keeps the total exact, with no page-then-filter drift.
        var cutoff = Filter<TDialect>.Parameter("cutoff");
        var cutoffArg = Filter<TDialect>.Arg("cutoff", Rows<TDialect>.Ms(now - staleAfter));
        switch (query.Status)
        {
            case SessionStatus.Active:
                filter.Add($"status = 'active' AND last_heartbeat_at > {cutoff}", cutoffArg);
                break;
            case SessionStatus.Abandoned:
                filter.Add($"(status = 'abandoned' OR (status = 'active' AND last_heartbeat_at <= {cutoff}))", cutoffArg);
                break;
            case SessionStatus.Ended:
                filter.Add("status = 'ended'");
                break;
        }
        return filter;
    }

    public static Filter<TDialect> Handoffs(HandoffQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter<TDialect>();
        filter.Equal("venture", query.Venture);
        filter.Equal("repo", query.Repo);
        filter.Equal("track", query.Track);
        filter.Equal("issue_number", query.IssueNumber);
        switch (query.Origin)
        {
            case HandoffOrigin.Own:
                filter.Add("source_venture IS NULL");
                break;
            case HandoffOrigin.Addressed:
                filter.Add("source_venture IS NOT NULL");
                break;
        }
        return filter;
    }

    /// <summary>
    /// The newest handoff <paramref name="query"/> selects (its page is not used), without a count: the briefing's last
    /// handoff shows one and no total. The count a page needs would visit every handoff of the track.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Args) NewestHandoff(HandoffQuery query)
    {
        var filter = Handoffs(query);
        return ($"SELECT {Rows<TDialect>.HandoffColumns} FROM handoffs {filter.WhereClause()} ORDER BY id DESC LIMIT 1", [.. filter.Args]);
    }

    /// <summary>The alerts <paramref name="query"/> selects, and the ORDER BY it asks for.</summary>
    public static (Filter<TDialect> Filter, string OrderBy) Alerts(AlertQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter<TDialect>();
        filter.Equal("venture", query.Venture);
        filter.Equal("status", query.Status is { } status ? Rows<TDialect>.Text(status) : null);
        filter.Equal("branch", query.Branch);
        if (query.DefaultBranchOnly) filter.Add(TDialect.IsTrue("on_default_branch"));
        if (query.LastSeenBefore is { } before)
            filter.Add($"last_seen < {Filter<TDialect>.Parameter("before")}", Filter<TDialect>.Arg("before", Rows<TDialect>.Ms(before)));
        return (filter, query.Order == AlertOrder.SeverityThenOldest ? AlertsBySeverityThenOldest : "id DESC");
    }
}
