using System.Data.Common;
using Baton.Core.Common;

namespace Baton.Storage.Sqlite;

internal static class Paging
{
    /// <summary>
    /// One keyset page of <paramref name="table"/>: the count and the page are two statements, which the caller runs
    /// in one read transaction so both come from the same snapshot.
    /// </summary>
    public static Page<T> Page<T>(this Filter filter, Db db, string table, string columns, Func<DbDataReader, T> map,
        PageRequest request, string idPrefix, Func<T, string> idOf)
    {
        var page = filter.Keyset(request, idPrefix);
        var total = db.Scalar($"SELECT count(*) FROM {table} {page.CountWhere}", page.CountArgs);
        var rows = db.List($"SELECT {columns} FROM {table} {page.PageWhere} ORDER BY id DESC LIMIT {page.LimitParameter}", map,
            page.PageArgs);
        return page.Of(rows, total, idOf);
    }
}
