using System.Data.Common;
using Baton.Core.Activity;
using Baton.Core.Common;

namespace Baton.Storage.Relational;

/// <summary>
/// Rows and statements of the hook-event tables (<c>hook_events</c>, <c>hook_waiting</c>, the sessions' native ids) for
/// both SQL stores (docs/architecture.md §15). The statements are written once in SQL both understand (CASE instead of
/// SQLite's <c>max()</c> and PostgreSQL's <c>greatest()</c>); each store runs them in its own transaction, in the
/// order <see cref="IActivityStore.RecordEventsAsync"/> describes.
/// </summary>
internal static class ActivityRows<TDialect> where TDialect : ISqlDialect
{
    public const string EventColumns =
        "id, session_id, venture, agent, cli, native_session_id, event, kind, tool, summary, cwd, occurred_at, received_at, " +
        "file_path, command, message, usage_input_tokens, usage_output_tokens, usage_cache_read_tokens, usage_cache_creation_tokens";

    public static readonly string EventValues = Rows<TDialect>.Values(EventColumns);

    /// <summary>
    /// Inserts the event unless its id is stored: a duplicate racing on another replica waits for the first's commit
    /// and then inserts nothing (0 rows), so an id is stored once however many times it is sent.
    /// </summary>
    public static readonly string InsertEventSql = $"INSERT INTO hook_events ({EventColumns}) VALUES ({EventValues}) ON CONFLICT (id) DO NOTHING";

    /// <summary>The stored event with this id, if any: a duplicate, and the session it was stored with.</summary>
    public static readonly string FindEventSql = $"SELECT id, session_id FROM hook_events WHERE id = {P("id")}";

    public static (string Name, object? Value)[] IdArg(string id) => [Arg("id", id)];

    public static HookEvent Event(DbDataReader r) => new(
        Id: r.Str("id"),
        SessionId: r.StrOrNull("session_id"),
        Venture: r.StrOrNull("venture"),
        Agent: r.StrOrNull("agent"),
        Cli: EnumText<HookCli>.Parse(r.Str("cli")),
        NativeSessionId: r.StrOrNull("native_session_id"),
        Event: r.Str("event"),
        Kind: EnumText<HookEventKind>.Parse(r.Str("kind")),
        Tool: r.StrOrNull("tool"),
        Summary: r.StrOrNull("summary"),
        Cwd: r.StrOrNull("cwd"),
        OccurredAt: r.Time("occurred_at"),
        ReceivedAt: r.Time("received_at"),
        FilePath: r.StrOrNull("file_path"),
        Command: r.StrOrNull("command"),
        Message: r.StrOrNull("message"),
        Usage: UsageOf(r));

    /// <summary>The transcript usage stored with an event (input tokens present = a report), or null.</summary>
    private static HookUsage? UsageOf(DbDataReader r) =>
        r.IsDBNull(r.GetOrdinal("usage_input_tokens")) ? null
            : new HookUsage(LongOrNull(r, "usage_input_tokens"), LongOrNull(r, "usage_output_tokens"),
                LongOrNull(r, "usage_cache_read_tokens"), LongOrNull(r, "usage_cache_creation_tokens"));

    private static long? LongOrNull(DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : Convert.ToInt64(r.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static (string Name, object? Value)[] EventArgs(HookEvent e) =>
    [
        Arg("id", e.Id), Arg("session_id", e.SessionId), Arg("venture", e.Venture), Arg("agent", e.Agent),
        Arg("cli", Rows<TDialect>.Text(e.Cli)), Arg("native_session_id", e.NativeSessionId), Arg("event", e.Event),
        Arg("kind", Rows<TDialect>.Text(e.Kind)), Arg("tool", e.Tool), Arg("summary", e.Summary), Arg("cwd", e.Cwd),
        Arg("occurred_at", Rows<TDialect>.Ms(e.OccurredAt)), Arg("received_at", Rows<TDialect>.Ms(e.ReceivedAt)),
        Arg("file_path", e.FilePath), Arg("command", e.Command), Arg("message", e.Message),
        Arg("usage_input_tokens", e.Usage?.InputTokens), Arg("usage_output_tokens", e.Usage?.OutputTokens),
        Arg("usage_cache_read_tokens", e.Usage?.CacheReadTokens), Arg("usage_cache_creation_tokens", e.Usage?.CacheCreationTokens),
    ];

    /// <summary>What matching reads of a session: its id and the venture and agent the event then takes.</summary>
    public const string MatchColumns = "id, venture, agent";

    public static SessionMatch Match(DbDataReader r) => new(r.Str("id"), r.Str("venture"), r.Str("agent"));

    /// <summary>
    /// The statements that find an event's session, in the order they are tried (the first that finds one wins), each
    /// with its arguments; a rule whose inputs the event lacks is left out.
    /// </summary>
    public static IEnumerable<(string Sql, (string Name, object? Value)[] Args)> MatchQueries(PendingHookEvent p, DateTimeOffset now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(p);
        var scope = p.ScopeVenture is null ? "" : $" AND venture = {P("scope")}";
        var scopeArg = p.ScopeVenture is null ? [] : new[] { Arg("scope", p.ScopeVenture) };
        if (p.SessionId is { } id)
            yield return ($"SELECT {MatchColumns} FROM sessions WHERE id = {P("id")}{scope}", [Arg("id", id), .. scopeArg]);
        if (p.Event.NativeSessionId is { } native)
            yield return ($"""
                SELECT {MatchColumns} FROM sessions WHERE native_session_id = {P("native")} AND native_cli = {P("cli")}{scope}
                ORDER BY id DESC LIMIT 1
                """, [Arg("native", native), Arg("cli", Rows<TDialect>.Text(p.Event.Cli)), .. scopeArg]);
        if (p.Event.Agent is { } agent && (p.Repo is not null || p.Event.Venture is not null))
        {
            var clauses = $"agent = {P("agent")} AND status = 'active' AND last_heartbeat_at > {P("cutoff")}";
            var args = new List<(string, object?)> { Arg("agent", agent), Arg("cutoff", Rows<TDialect>.Ms(now - staleAfter)) };
            if (p.Repo is { } repo)
            {
                clauses += $" AND repo = {P("repo")}";
                args.Add(Arg("repo", repo));
            }
            if (p.Event.Venture is { } venture)
            {
                clauses += $" AND venture = {P("venture")}";
                args.Add(Arg("venture", venture));
            }
            yield return ($"SELECT {MatchColumns} FROM sessions WHERE {clauses}{scope} ORDER BY id DESC LIMIT 1", [.. args, .. scopeArg]);
        }
    }

    /// <summary>
    /// The event as a heartbeat of its session: <c>last_heartbeat_at</c> moves to the event's time only when the
    /// session is live and the time is later (never backwards, never reviving a stale or ended session); the native
    /// session id and CLI are recorded whatever the session's state, for a later exact resume.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Args) TouchSession(string sessionId, HookEvent e, DateTimeOffset at,
        DateTimeOffset now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(e);
        var native = e.NativeSessionId is null ? "" : $", native_session_id = {P("native")}, native_cli = {P("cli")}";
        (string, object?)[] args =
        [
            Arg("id", sessionId), Arg("at", Rows<TDialect>.Ms(at)), Arg("cutoff", Rows<TDialect>.Ms(now - staleAfter)),
            .. e.NativeSessionId is null ? [] : new[] { Arg("native", e.NativeSessionId), Arg("cli", Rows<TDialect>.Text(e.Cli)) },
        ];
        return ($"""
            UPDATE sessions SET last_heartbeat_at = CASE
                WHEN status = 'active' AND last_heartbeat_at > {P("cutoff")} AND last_heartbeat_at < {P("at")} THEN {P("at")}
                ELSE last_heartbeat_at END{native}
            WHERE id = {P("id")}
            """, args);
    }

    /// <summary>The statement a waiting change makes for <paramref name="session"/>, or null when it changes nothing.</summary>
    public static (string Sql, (string Name, object? Value)[] Args)? ApplyWaiting(WaitingChange change, SessionMatch session, HookCli cli, DateTimeOffset now) =>
        change switch
        {
            // A session already waiting keeps its first time (the earlier of the two), and takes the newer reason and message.
            WaitingChange.Set set => ($"""
                INSERT INTO hook_waiting (session_id, venture, agent, cli, reason, message, since, updated_at)
                VALUES ({P("id")}, {P("venture")}, {P("agent")}, {P("cli")}, {P("reason")}, {P("message")}, {P("since")}, {P("now")})
                ON CONFLICT (session_id) DO UPDATE SET
                    reason = excluded.reason, message = excluded.message, cli = excluded.cli, updated_at = excluded.updated_at,
                    since = CASE WHEN excluded.since < hook_waiting.since THEN excluded.since ELSE hook_waiting.since END
                """,
                [
                    Arg("id", session.Id), Arg("venture", session.Venture), Arg("agent", session.Agent), Arg("cli", Rows<TDialect>.Text(cli)),
                    Arg("reason", set.Reason), Arg("message", set.Message), Arg("since", Rows<TDialect>.Ms(set.Since)), Arg("now", Rows<TDialect>.Ms(now)),
                ]),
            WaitingChange.Clear clear => ($"DELETE FROM hook_waiting WHERE session_id = {P("id")} AND since <= {P("at")}",
                [Arg("id", session.Id), Arg("at", Rows<TDialect>.Ms(clear.At))]),
            _ => null,
        };

    public const string WaitingColumns =
        "w.session_id, w.venture, w.agent, s.repo, s.host, w.cli, w.reason, w.message, w.since";

    public static WaitingSession Waiting(DbDataReader r) => new(
        SessionId: r.Str("session_id"),
        Venture: r.Str("venture"),
        Agent: r.Str("agent"),
        Repo: r.StrOrNull("repo"),
        MachineHost: r.StrOrNull("host"),
        Cli: EnumText<HookCli>.Parse(r.Str("cli")),
        Reason: r.Str("reason"),
        Message: r.StrOrNull("message"),
        Since: r.Time("since"));

    /// <summary>
    /// <c>FROM … WHERE …</c> of the waiting queue for <paramref name="q"/> (only live sessions: stored active, heartbeat
    /// after the cutoff) and its arguments, shared by the page and its count.
    /// </summary>
    public static (string FromWhere, List<(string Name, object? Value)> Args) WaitingFilter(WaitingQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var sql = $"FROM hook_waiting w JOIN sessions s ON s.id = w.session_id WHERE s.status = 'active' AND s.last_heartbeat_at > {P("cutoff")}";
        var args = new List<(string Name, object? Value)> { Arg("cutoff", Rows<TDialect>.Ms(q.Now - q.StaleAfter)) };
        if (q.Venture is { } venture)
        {
            sql += $" AND w.venture = {P("venture")}";
            args.Add(Arg("venture", venture));
        }
        if (q is { ExceptAgent: { } agent, ExceptRepo: { } repo, ExceptTrack: { } track })
        {
            sql += $" AND NOT (s.agent = {P("x_agent")} AND s.repo = {P("x_repo")} AND s.track = {P("x_track")})";
            args.AddRange([Arg("x_agent", agent), Arg("x_repo", repo), Arg("x_track", track)]);
        }
        return (sql, args);
    }

    /// <summary>The page's statement (one row more than asked, to tell whether another follows) and the count's.</summary>
    public static (string Page, string Count, (string Name, object? Value)[] PageArgs, (string Name, object? Value)[] CountArgs, int Limit, int Offset)
        WaitingPage(WaitingQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var (fromWhere, args) = WaitingFilter(q);
        var limit = Math.Clamp(q.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(q.Page.Cursor);
        return ($"SELECT {WaitingColumns} {fromWhere} ORDER BY w.since, w.session_id LIMIT {P("page_limit")} OFFSET {P("page_offset")}",
            $"SELECT count(*) {fromWhere}",
            [.. args, Arg("page_limit", limit + 1), Arg("page_offset", offset)], [.. args], limit, offset);
    }

    /// <summary>
    /// The newest event of each session in <paramref name="sessionIds"/> (one statement: the index on
    /// <c>(session_id, id)</c> answers the per-session maximum), optionally only under <paramref name="venture"/>.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Args) LatestSessionEvents(IReadOnlyList<string> sessionIds, string? venture)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        var names = sessionIds.Select((_, i) => "s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var scope = venture is null ? "" : $" AND venture = {P("venture")}";
        var sql = $"""
            SELECT {EventColumns} FROM hook_events WHERE id IN (
                SELECT max(id) FROM hook_events WHERE session_id IN ({string.Join(", ", names.Select(P))}) GROUP BY session_id){scope}
            """;
        (string Name, object? Value)[] args =
            [.. names.Zip(sessionIds, (n, id) => Arg(n, id)), .. venture is null ? [] : new[] { Arg("venture", venture) }];
        return (sql, args);
    }

    /// <summary>The purge: events older than the retention, and waits of sessions that have had no event since then.</summary>
    public static readonly string PurgeEventsSql = $"DELETE FROM hook_events WHERE occurred_at < {P("before")}";

    public static readonly string PurgeWaitingSql = $"DELETE FROM hook_waiting WHERE updated_at < {P("before")}";

    public static (string Name, object? Value)[] BeforeArg(DateTimeOffset before) => [Arg("before", Rows<TDialect>.Ms(before))];

    private static string P(string name) => TDialect.Parameter(name);

    private static (string Name, object? Value) Arg(string name, object? value) => (TDialect.BindName(name), value);
}

/// <summary>The session an event was matched to: its id, and the venture and agent the event is stored under.</summary>
internal sealed record SessionMatch(string Id, string Venture, string Agent);
