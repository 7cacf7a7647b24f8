using Baton.Core.Domain;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// A WHERE clause built from optional filters, and the one keyset-paging rule every list follows: newest first by id
/// (ids are ULIDs, so id order is creation order), the cursor is the last id of the previous page, and the total is
/// the exact count for the same filter without the cursor.
/// </summary>
internal sealed class Filter
{
    private readonly List<string> _clauses = [];
    private readonly List<(string Name, object? Value)> _args = [];

    /// <summary>Adds <c>column = value</c> when <paramref name="value"/> is given; null means "any".</summary>
    public void Equal(string column, object? value)
    {
        if (value is null) return;
        Add($"{column} = ${column}", ($"${column}", value));
    }

    public void Add(string clause, params (string Name, object? Value)[] args)
    {
        _clauses.Add(clause);
        _args.AddRange(args);
    }

    public Page<T> Page<T>(Db db, string table, string columns, Func<SqliteDataReader, T> map, PageRequest request, Func<T, string> idOf)
    {
        var limit = Math.Clamp(request.Limit, 1, PageRequest.MaxLimit);
        var total = db.Scalar($"SELECT count(*) FROM {table} {Where(_clauses)}", [.. _args]);

        var clauses = new List<string>(_clauses);
        var args = new List<(string Name, object? Value)>(_args) { ("$limit", limit + 1) };
        if (!string.IsNullOrEmpty(request.Cursor))
        {
            clauses.Add("id < $cursor");
            args.Add(("$cursor", request.Cursor));
        }

        // One row more than asked tells whether another page follows, without a second query.
        var rows = db.List($"SELECT {columns} FROM {table} {Where(clauses)} ORDER BY id DESC LIMIT $limit", map, [.. args]);
        if (rows.Count <= limit) return new Page<T>(rows, total, null);

        rows.RemoveAt(limit);
        return new Page<T>(rows, total, idOf(rows[^1]));
    }

    private static string Where(List<string> clauses) => clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);
}
