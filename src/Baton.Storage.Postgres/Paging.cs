using System.Data.Common;
using Baton.Core.Common;

namespace Baton.Storage.Postgres;

internal static class Paging
{
    /// <summary>
    /// One keyset page of <paramref name="table"/> in one statement, one round trip: the count is a one-row subquery
    /// and the page joins to it laterally, so both come from one snapshot and an empty page still brings its total
    /// (a row of nulls).
    /// </summary>
    public static Task<Page<T>> PageAsync<T>(this Filter filter, Db db, string table, string columns, Func<DbDataReader, T> map,
        PageRequest request, string idPrefix, Func<T, string> idOf, CancellationToken ct) =>
        db.QueryAsync(filter.PageQuery(table, columns, map, request, idPrefix, idOf), ct);

    /// <summary>The statement of <see cref="PageAsync{T}"/>, to run alone or in a batch.</summary>
    public static Query<Page<T>> PageQuery<T>(this Filter filter, string table, string columns, Func<DbDataReader, T> map,
        PageRequest request, string idPrefix, Func<T, string> idOf)
    {
        var page = filter.Keyset(request, idPrefix);
        return Queries.List($"""
            SELECT c.page_total, p.* FROM (SELECT count(*) AS page_total FROM {table} {page.CountWhere}) c
            LEFT JOIN LATERAL (SELECT {columns} FROM {table} {page.PageWhere} ORDER BY id DESC LIMIT {page.LimitParameter}) p ON true
            """, r => (Total: r.GetInt64(0), Item: r.IsDBNull(r.GetOrdinal("id")) ? default : map(r)), page.PageArgs)
            .Then(rows =>
            {
                var total = rows.Count > 0 ? rows[0].Total : 0;
                return page.Of(rows.Where(r => r.Item is not null).Select(r => r.Item!).ToList(), total, idOf);
            });
    }
}
