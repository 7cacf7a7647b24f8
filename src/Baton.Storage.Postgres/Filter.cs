using System.Data.Common;
using Baton.Core.Common;

namespace Baton.Storage.Postgres;

/// <summary>
/// A WHERE clause built from optional filters, and the keyset-paging rule every id-ordered list follows (the same as
/// the SQLite store's): newest first by id (ULIDs, so id order is creation order), the cursor is the last id of the
/// previous page, and the total is the exact count for the same filter without the cursor — read by the same statement
/// as the page, so both come from one snapshot.
/// </summary>
internal sealed class Filter
{
    private readonly List<string> _clauses = [];
    private readonly List<(string Name, object? Value)> _args = [];

    /// <summary>Adds <c>column = value</c> when <paramref name="value"/> is given; null means "any".</summary>
    public void Equal(string column, object? value)
    {
        if (value is null) return;
        Add($"{column} = @{column.Replace('.', '_')}", (column.Replace('.', '_'), value));
    }

    public void Add(string clause, params (string Name, object? Value)[] args)
    {
        _clauses.Add(clause);
        _args.AddRange(args);
    }

    public IReadOnlyList<(string Name, object? Value)> Args => _args;

    /// <summary>"WHERE …" of every clause so far plus <paramref name="extra"/> ones; empty when there are none.</summary>
    public string WhereClause(params string[] extra) => Where([.. extra, .. _clauses]);

    public async Task<Page<T>> PageAsync<T>(Db db, string table, string columns, Func<DbDataReader, T> map, PageRequest request,
        Func<T, string> idOf, CancellationToken ct)
    {
        var limit = Math.Clamp(request.Limit, 1, PageRequest.MaxLimit);
        var pageClauses = new List<string>(_clauses);
        var args = new List<(string Name, object? Value)>(_args) { ("page_limit", limit + 1) };
        if (!string.IsNullOrEmpty(request.Cursor))
        {
            pageClauses.Add("id < @page_cursor");
            args.Add(("page_cursor", request.Cursor));
        }

        // One statement, one round trip: the count is a one-row subquery, the page joins to it laterally, so an empty
        // page still brings its total (a row of nulls). One row more than asked tells whether another page follows.
        var rows = await db.ListAsync($"""
            SELECT c.page_total, p.* FROM (SELECT count(*) AS page_total FROM {table} {Where(_clauses)}) c
            LEFT JOIN LATERAL (SELECT {columns} FROM {table} {Where(pageClauses)} ORDER BY id DESC LIMIT @page_limit) p ON true
            """, r => (Total: r.GetInt64(0), Item: r.IsDBNull(r.GetOrdinal("id")) ? default : map(r)), ct, [.. args]).ConfigureAwait(false);

        var total = rows.Count > 0 ? rows[0].Total : 0;
        var items = rows.Where(r => r.Item is not null).Select(r => r.Item!).ToList();
        if (items.Count <= limit) return new Page<T>(items, total, null);
        items.RemoveAt(limit);
        return new Page<T>(items, total, idOf(items[^1]));
    }

    private static string Where(List<string> clauses) => clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);
}
