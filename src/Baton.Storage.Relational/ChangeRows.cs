using System.Data.Common;
using Baton.Core.Changes;

namespace Baton.Storage.Relational;

/// <summary>
/// Statements of the change log (<c>changes</c>, written by the triggers of migration 0018 on SQLite, 0015 on
/// PostgreSQL) for both SQL stores; see <see cref="IChangeStore"/>.
/// </summary>
internal static class ChangeRows<TDialect> where TDialect : ISqlDialect
{
    private const string Columns = "seq, kind, venture, subject, at";

    public static readonly string ReadSql = $"SELECT {Columns} FROM changes WHERE seq > {P("after")} ORDER BY seq LIMIT {P("limit")}";

    public const string LatestSql = "SELECT coalesce(max(seq), 0) FROM changes";

    /// <summary>
    /// Changes before the first one at or after the cut, and never the newest row of all: SQLite gives a new row
    /// max(rowid) + 1, so emptying the table would let seqs start again and a client's Last-Event-ID point at a
    /// different change (PostgreSQL's identity never goes back; the same statement keeps the two stores alike).
    /// There is no index on <c>at</c> (the writes would pay for it): the cut is found by walking the primary key from
    /// the oldest row, which reads only the rows being deleted. <c>at</c> follows <c>seq</c> closely but not exactly
    /// (a row's own timestamp, replicas' clocks), so a change a little older than the cut may stay one purge longer.
    /// </summary>
    public static readonly string PurgeSql =
        $"DELETE FROM changes WHERE seq < coalesce((SELECT seq FROM changes WHERE at >= {P("before")} ORDER BY seq LIMIT 1), (SELECT max(seq) FROM changes))";

    public static (string Name, object? Value)[] ReadArgs(long afterSeq, int limit) => [Arg("after", afterSeq), Arg("limit", limit)];

    public static (string Name, object? Value)[] BeforeArg(DateTimeOffset before) => [Arg("before", Rows<TDialect>.Ms(before))];

    public static Change Change(DbDataReader r) => new(
        Seq: r.GetInt64(r.GetOrdinal("seq")),
        Kind: r.Str("kind"),
        Venture: r.StrOrNull("venture"),
        Subject: r.Str("subject"),
        At: r.Time("at"));

    private static string P(string name) => TDialect.Parameter(name);

    private static (string Name, object? Value) Arg(string name, object? value) => (TDialect.BindName(name), value);
}
