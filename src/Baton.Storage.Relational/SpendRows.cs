using System.Data.Common;
using System.Globalization;
using Baton.Core.Spend;

namespace Baton.Storage.Relational;

/// <summary>
/// Spend's SQL for both stores (docs/architecture.md §15 Spend): one aggregate over the task results that carry usage
/// and each interactive session's latest transcript report (a hook event with usage).
/// Costs are summed as integer micro-dollars (<c>CAST(ROUND(cost_usd * 1000000) AS BIGINT)</c>, the same text on both),
/// so the sum is exact and does not depend on the order rows are read in; the totals and the number of groups come
/// from window functions over the grouped rows, in the same statement as the listed groups.
/// </summary>
internal static class SpendRows<TDialect> where TDialect : ISqlDialect
{
    private static string P(string name) => TDialect.Parameter(name);

    private const string HasUsage = "(r.input_tokens IS NOT NULL OR r.output_tokens IS NOT NULL OR r.cost_usd IS NOT NULL)";

    /// <summary>
    /// The Baton session a result belongs to: the newest session created at or before the result whose recorded native
    /// session id is the result's (the worker's CLI session, which its <c>baton mcp</c> opened with SOD); null when none.
    /// </summary>
    private const string SessionOf =
        "(SELECT s.id FROM sessions s WHERE s.native_session_id = r.native_session_id AND s.created_at <= r.finished_at " +
        "ORDER BY s.created_at DESC, s.id DESC LIMIT 1)";

    private const string Micros = "CAST(ROUND(r.cost_usd * 1000000) AS BIGINT)";

    /// <summary>
    /// A transcript report of an interactive session (docs/architecture.md §15 Spend, decisions/0025): a hook event
    /// with usage, and none later for its session up to <c>until</c> — each report is the session's cumulative usage, so
    /// only its latest counts. A session whose CLI session is also a task result's (a worker's headless run fires hooks
    /// too) counts only the task result.
    /// </summary>
    private static string LatestTranscriptReport(string until) => $"""
        e.usage_input_tokens IS NOT NULL AND e.session_id IS NOT NULL AND e.occurred_at <= {until}
        AND NOT EXISTS (SELECT 1 FROM hook_events n WHERE n.session_id = e.session_id AND n.usage_input_tokens IS NOT NULL
                        AND n.occurred_at <= {until} AND (n.occurred_at > e.occurred_at OR (n.occurred_at = e.occurred_at AND n.id > e.id)))
        AND NOT EXISTS (SELECT 1 FROM task_results x WHERE x.native_session_id = e.native_session_id)
        """;

    /// <summary>An interactive session's agent as spend groups it: the registered agent of that name, else the name.</summary>
    private const string AgentOfSession = "COALESCE((SELECT ag.id FROM agents ag WHERE ag.name = s.agent), s.agent)";

    public static (string Sql, (string Name, object? Value)[] Args) Sum(SpendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (key, label) = query.By switch
        {
            SpendGrouping.Agent => ("r.agent_id", "a.name"),
            SpendGrouping.Session => (SessionOf, "NULL"),
            SpendGrouping.Day => ("CAST(r.finished_at / 86400000 AS BIGINT)", "NULL"),
            SpendGrouping.Task => ("r.task_id", "t.title"),
            _ => ("t.venture", "NULL"),
        };
        // By venture and day the day is a second grouping column (NULL, one group, otherwise).
        var day = query.By == SpendGrouping.VentureDay ? "CAST(r.finished_at / 86400000 AS BIGINT)" : "CAST(NULL AS BIGINT)";
        var sessionDay = query.By == SpendGrouping.VentureDay ? "CAST(e.occurred_at / 86400000 AS BIGINT)" : "CAST(NULL AS BIGINT)";
        var (sessionKey, sessionLabel) = query.By switch
        {
            SpendGrouping.Agent => (AgentOfSession, "s.agent"),
            SpendGrouping.Session => ("s.id", "NULL"),
            SpendGrouping.Day => ("CAST(e.occurred_at / 86400000 AS BIGINT)", "NULL"),
            // An interactive session's transcript belongs to no task: its spend groups under none.
            SpendGrouping.Task => ("CAST(NULL AS TEXT)", "NULL"),
            _ => ("s.venture", "NULL"),
        };
        var where = new List<string> { HasUsage, $"r.finished_at <= {P("until")}" };
        var sessionWhere = new List<string> { LatestTranscriptReport(P("until")) };
        var args = new List<(string, object?)> { (TDialect.BindName("until"), query.Until.ToUnixTimeMilliseconds()), (TDialect.BindName("limit"), query.Limit) };
        if (query.Venture is { } venture)
        {
            where.Add($"t.venture = {P("venture")}");
            sessionWhere.Add($"s.venture = {P("venture")}");
            args.Add((TDialect.BindName("venture"), venture));
        }
        if (query.Since is { } since)
        {
            // A session's cumulative report counts whole in the period of its latest report.
            where.Add($"r.finished_at >= {P("since")}");
            sessionWhere.Add($"e.occurred_at >= {P("since")}");
            args.Add((TDialect.BindName("since"), since.ToUnixTimeMilliseconds()));
        }
        // Grouped by day the key is the day's number (its text is made when read), newest first; otherwise the largest
        // spend first, the reports of no known session after the named ones.
        var order = query.By switch
        {
            SpendGrouping.Day => "u.group_key DESC",
            SpendGrouping.VentureDay => "u.day_key DESC, u.group_key",
            _ => "cost_micros DESC, tokens DESC, u.group_key IS NULL, u.group_key",
        };
        var sql = $"""
            SELECT u.group_key AS u_key, MAX(u.label) AS label, u.day_key AS day_key,
                   COUNT(*) AS reports, COUNT(u.micros) AS with_cost,
                   COALESCE(SUM(u.input_tokens), 0) AS input_tokens, COALESCE(SUM(u.output_tokens), 0) AS output_tokens,
                   COALESCE(SUM(u.micros), 0) AS cost_micros,
                   COALESCE(SUM(u.input_tokens), 0) + COALESCE(SUM(u.output_tokens), 0) AS tokens,
                   MIN(u.finished_at) AS first_at, MAX(u.finished_at) AS last_at,
                   COUNT(*) OVER () AS group_count,
                   SUM(COUNT(*)) OVER () AS all_reports, SUM(COUNT(u.micros)) OVER () AS all_with_cost,
                   SUM(COALESCE(SUM(u.input_tokens), 0)) OVER () AS all_input, SUM(COALESCE(SUM(u.output_tokens), 0)) OVER () AS all_output,
                   SUM(COALESCE(SUM(u.micros), 0)) OVER () AS all_micros,
                   MIN(MIN(u.finished_at)) OVER () AS all_first, MAX(MAX(u.finished_at)) OVER () AS all_last
            FROM (SELECT {key} AS group_key, {label} AS label, {day} AS day_key, r.input_tokens, r.output_tokens, {Micros} AS micros, r.finished_at
                  FROM task_results r JOIN tasks t ON t.id = r.task_id LEFT JOIN agents a ON a.id = r.agent_id
                  WHERE {string.Join(" AND ", where)}
                  UNION ALL
                  SELECT {sessionKey}, {sessionLabel}, {sessionDay}, e.usage_input_tokens, e.usage_output_tokens, CAST(NULL AS BIGINT), e.occurred_at
                  FROM hook_events e JOIN sessions s ON s.id = e.session_id
                  WHERE {string.Join(" AND ", sessionWhere)}) u
            GROUP BY u.group_key, u.day_key
            ORDER BY {order}
            LIMIT {P("limit")}
            """;
        return (sql, [.. args]);
    }

    /// <summary>One grouped row, and the totals its window columns carry (the same on every row).</summary>
    public static (SpendGroup Group, SpendSums Sums) Row(DbDataReader r, SpendGrouping by)
    {
        ArgumentNullException.ThrowIfNull(r);
        var keyOrdinal = r.GetOrdinal("u_key");
        string? key = r.IsDBNull(keyOrdinal) ? null
            : by == SpendGrouping.Day
                ? DayText(Convert.ToInt64(r.GetValue(keyOrdinal), CultureInfo.InvariantCulture))
                : Convert.ToString(r.GetValue(keyOrdinal), CultureInfo.InvariantCulture);
        var dayOrdinal = r.GetOrdinal("day_key");
        var label = by == SpendGrouping.VentureDay && !r.IsDBNull(dayOrdinal)
            ? DayText(Convert.ToInt64(r.GetValue(dayOrdinal), CultureInfo.InvariantCulture))
            : r.StrOrNull("label");
        var group = new SpendGroup(key, label,
            Totals(r, "reports", "with_cost", "input_tokens", "output_tokens", "cost_micros"), Time(r, "first_at"), Time(r, "last_at"));
        var sums = new SpendSums(Totals(r, "all_reports", "all_with_cost", "all_input", "all_output", "all_micros"),
            Long(r, "group_count"), [], Time(r, "all_first"), Time(r, "all_last"));
        return (group, sums);
    }

    /// <summary>A day's number (days since 1970-01-01, UTC) as <c>2026-12-01</c>.</summary>
    private static string DayText(long day) =>
        DateTimeOffset.FromUnixTimeMilliseconds(checked(day * 86_400_000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Every group read: the totals from the window columns (an empty period: none).</summary>
    public static SpendSums Sums(IReadOnlyList<(SpendGroup Group, SpendSums Sums)> rows) =>
        rows.Count == 0 ? new SpendSums(SpendTotals.None, 0, [], null, null) : rows[0].Sums with { Groups = [.. rows.Select(x => x.Group)] };

    /// <summary>
    /// The briefing's sum for the active session of (venture, agent, repo, track): the results <see cref="SessionOf"/>
    /// gives that session — its native id, finished since it was created, and no newer session of that native id
    /// created before the result — plus the session's latest transcript report, unless a task result has its CLI session.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Args) SessionSum(SessionSpendQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // No period: the latest report whatever its time (the largest time there is stands in for "until").
        var sql = $"""
            SELECT COUNT(*) AS reports, COUNT(u.micros) AS with_cost,
                   COALESCE(SUM(u.input_tokens), 0) AS input_tokens, COALESCE(SUM(u.output_tokens), 0) AS output_tokens,
                   COALESCE(SUM(u.micros), 0) AS cost_micros
            FROM (SELECT r.input_tokens, r.output_tokens, {Micros} AS micros
                  FROM sessions me JOIN task_results r ON r.native_session_id = me.native_session_id AND r.finished_at >= me.created_at
                  WHERE {Me} AND {HasUsage}
                    AND NOT EXISTS (SELECT 1 FROM sessions n WHERE n.native_session_id = r.native_session_id AND n.created_at <= r.finished_at
                                    AND (n.created_at > me.created_at OR (n.created_at = me.created_at AND n.id > me.id)))
                  UNION ALL
                  SELECT e.usage_input_tokens, e.usage_output_tokens, CAST(NULL AS BIGINT)
                  FROM sessions me JOIN hook_events e ON e.session_id = me.id
                  WHERE {Me} AND {LatestTranscriptReport(long.MaxValue.ToString(CultureInfo.InvariantCulture))}) u
            """;
        return (sql, [(TDialect.BindName("spend_agent"), query.Agent), (TDialect.BindName("spend_venture"), query.Venture),
            (TDialect.BindName("spend_repo"), query.Repo), (TDialect.BindName("spend_track"), query.Track)]);
    }

    private static string Me =>
        $"me.agent = {P("spend_agent")} AND me.venture = {P("spend_venture")} AND me.repo = {P("spend_repo")} AND me.track = {P("spend_track")} AND me.status = 'active'";

    public static SpendTotals SessionTotals(DbDataReader r) => Totals(r, "reports", "with_cost", "input_tokens", "output_tokens", "cost_micros");

    private static SpendTotals Totals(DbDataReader r, string reports, string withCost, string input, string output, string micros) =>
        new(Long(r, reports), Long(r, withCost), Long(r, input), Long(r, output),
            SpendRules.Dollars(Convert.ToDecimal(r.GetValue(r.GetOrdinal(micros)), CultureInfo.InvariantCulture)));

    // PostgreSQL's SUM of bigint is numeric and SQLite's an integer: read either as the number it is.
    private static long Long(DbDataReader r, string column) => Convert.ToInt64(r.GetValue(r.GetOrdinal(column)), CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(DbDataReader r, string column) => DateTimeOffset.FromUnixTimeMilliseconds(Long(r, column));
}
