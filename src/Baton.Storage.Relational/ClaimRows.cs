using System.Data.Common;
using Baton.Core.Claims;

namespace Baton.Storage.Relational;

/// <summary>
/// Rows of <c>claims</c> for both SQL stores, and the one definition of <b>held</b> they filter by
/// (docs/architecture.md §15 Claims): not released, and the session stored active with a heartbeat after the cutoff —
/// the same test the session list's <c>active</c> filter makes (decisions/0003), so a stale session's claims are free
/// the moment it goes stale.
/// </summary>
internal static class ClaimRows<TDialect> where TDialect : ISqlDialect
{
    public const string Columns =
        "id, session_id, venture, repo, agent, issue_number, files, mode, created_at, released_at, release_reason, actor_key_id";

    public static readonly string Values = Rows<TDialect>.Values(Columns);

    /// <summary>The held test on a row of <c>claims</c>, with the cutoff bound as <c>claim_cutoff</c>.</summary>
    public static string HeldClause => $"""
        released_at IS NULL AND EXISTS (
            SELECT 1 FROM sessions s WHERE s.id = claims.session_id AND s.status = 'active' AND s.last_heartbeat_at > {TDialect.Parameter("claim_cutoff")})
        """;

    public static (string Name, object? Value) CutoffArg(DateTimeOffset now, TimeSpan staleAfter) =>
        (TDialect.BindName("claim_cutoff"), Rows<TDialect>.Ms(now - staleAfter));

    /// <summary>The held claims <paramref name="query"/> selects.</summary>
    public static Filter<TDialect> Held(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter<TDialect>();
        filter.Add(HeldClause, CutoffArg(now, staleAfter));
        filter.Equal("venture", query.Venture);
        filter.Equal("repo", query.Repo);
        filter.Equal("session_id", query.SessionId);
        if (query.ExceptAgent is { } agent)
            filter.Add(
                "NOT EXISTS (SELECT 1 FROM sessions o WHERE o.id = claims.session_id " +
                $"AND o.agent = {Filter<TDialect>.Parameter("except_agent")} AND o.track = {Filter<TDialect>.Parameter("except_track")})",
                Filter<TDialect>.Arg("except_agent", agent), Filter<TDialect>.Arg("except_track", query.ExceptTrack ?? Baton.Core.Sessions.Session.DefaultTrack));
        return filter;
    }

    /// <summary>Every held claim of one repo, oldest first: what a claim's decision and the guard's check read.</summary>
    public static (string Sql, (string Name, object? Value)[] Args) HeldInRepo(string venture, string repo, DateTimeOffset now, TimeSpan staleAfter)
    {
        var filter = Held(new ClaimQuery(venture, repo, null, new Baton.Core.Common.PageRequest(1, null)), now, staleAfter);
        return ($"SELECT {Columns} FROM claims {filter.WhereClause()} ORDER BY id", [.. filter.Args]);
    }

    public static Claim Claim(DbDataReader r) => new(
        Id: r.Str("id"),
        SessionId: r.Str("session_id"),
        Venture: r.Str("venture"),
        Repo: r.Str("repo"),
        Agent: r.Str("agent"),
        IssueNumber: r.IntOrNull("issue_number"),
        Files: TDialect.ReadList(r, r.GetOrdinal("files")),
        Mode: EnumText<ClaimMode>.Parse(r.Str("mode")),
        CreatedAt: r.Time("created_at"),
        ReleasedAt: r.TimeOrNull("released_at"),
        ReleaseReason: r.StrOrNull("release_reason") is { } reason ? EnumText<ClaimRelease>.Parse(reason) : null,
        ActorKeyId: r.StrOrNull("actor_key_id"));

    public static (string Name, object? Value)[] Args(Claim c) =>
    [
        Arg("id", c.Id), Arg("session_id", c.SessionId), Arg("venture", c.Venture), Arg("repo", c.Repo), Arg("agent", c.Agent),
        Arg("issue_number", c.IssueNumber), Arg("files", Rows<TDialect>.List(c.Files)), Arg("mode", Rows<TDialect>.Text(c.Mode)),
        Arg("created_at", Rows<TDialect>.Ms(c.CreatedAt)), Arg("released_at", Rows<TDialect>.Ms(c.ReleasedAt)),
        Arg("release_reason", Rows<TDialect>.Text(c.ReleaseReason)), Arg("actor_key_id", c.ActorKeyId),
    ];

    /// <summary>The session's unreleased claims released at EOD, in EOD's transaction (<c>session_id</c>, <c>claim_now</c>).</summary>
    public static string ReleaseAtEodSql =>
        $"UPDATE claims SET released_at = {TDialect.Parameter("claim_now")}, release_reason = 'eod' " +
        $"WHERE session_id = {TDialect.Parameter("claim_session")} AND released_at IS NULL";

    public static (string Name, object? Value)[] ReleaseAtEodArgs(string sessionId, DateTimeOffset now) =>
        [Arg("claim_session", sessionId), Arg("claim_now", Rows<TDialect>.Ms(now))];

    private static (string Name, object? Value) Arg(string column, object? value) => (TDialect.BindName(column), value);
}
