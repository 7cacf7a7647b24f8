using Baton.Core.Common;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// A WHERE clause built from optional filters, and the keyset-paging rule every id-ordered list follows: newest first by id
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

    /// <summary><c>column IN (…)</c>; an empty list matches nothing, as "only these, and these are none" means.</summary>
    public void In(string column, string prefix, IReadOnlyList<string> values)
    {
        if (values.Count == 0) Add("0");
        else Add($"{column} IN ({Parameters(prefix, values)})");
    }

    /// <summary><c>column NOT IN (…)</c>; an empty list excludes nothing.</summary>
    public void NotIn(string column, string prefix, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return;
        Add($"{column} NOT IN ({Parameters(prefix, values)})");
    }

    /// <summary>Binds each value as <c>prefix0</c>, <c>prefix1</c>, … and returns the comma-separated names for an IN list.</summary>
    public string Parameters(string prefix, IReadOnlyList<string> values)
    {
        var names = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            names.Add($"{prefix}{i}");
            _args.Add(($"{prefix}{i}", values[i]));
        }
        return string.Join(", ", names);
    }

    /// <summary>The bound values of every clause so far, for queries that build their own SQL around <see cref="WhereClause"/>.</summary>
    public IReadOnlyList<(string Name, object? Value)> Args => _args;

    /// <summary>"WHERE …" of every clause so far plus <paramref name="extra"/> ones; empty when there are none.</summary>
    public string WhereClause(params string[] extra) => Where([.. extra, .. _clauses]);

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
