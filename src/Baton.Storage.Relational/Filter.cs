using Baton.Core.Common;

namespace Baton.Storage.Relational;

/// <summary>
/// A WHERE clause built from optional filters, and the keyset-paging rule every id-ordered list follows: newest first
/// by id (ids are ULIDs, so id order is creation order), the cursor is the last id of the previous page, and the total
/// is the exact count for the same filter without the cursor. How a page is then read (two statements on one SQLite
/// snapshot, one PostgreSQL statement) is each store's; see <see cref="Keyset"/>.
/// </summary>
internal sealed class Filter<TDialect> where TDialect : ISqlDialect
{
    private readonly List<string> _clauses = [];
    private readonly List<(string Name, object? Value)> _args = [];

    /// <summary><paramref name="name"/> as the SQL text writes a parameter, for clauses passed to <see cref="Add"/>.</summary>
    public static string Parameter(string name) => TDialect.Parameter(name);

    /// <summary>A value bound as <paramref name="name"/>, for clauses passed to <see cref="Add"/>.</summary>
    public static (string Name, object? Value) Arg(string name, object? value) => (TDialect.BindName(name), value);

    /// <summary>Adds <c>column = value</c> when <paramref name="value"/> is given; null means "any".</summary>
    public void Equal(string column, object? value)
    {
        if (value is null) return;
        // A qualified column (n.venture) is not a valid parameter name.
        var name = column.Replace('.', '_');
        Add($"{column} = {Parameter(name)}", Arg(name, value));
    }

    public void Add(string clause, params (string Name, object? Value)[] args)
    {
        _clauses.Add(clause);
        _args.AddRange(args);
    }

    /// <summary><c>column IN (…)</c>; an empty list matches nothing, as "only these, and these are none" means.</summary>
    public void In(string column, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) Add("1 = 0");
        else Add($"{column} IN ({Parameters(name, values)})");
    }

    /// <summary><c>column NOT IN (…)</c>; an empty list excludes nothing.</summary>
    public void NotIn(string column, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return;
        Add($"{column} NOT IN ({Parameters(name, values)})");
    }

    /// <summary>Binds each value as <c>name0</c>, <c>name1</c>, … and returns the comma-separated parameters for an IN list.</summary>
    public string Parameters(string name, IReadOnlyList<string> values)
    {
        var parameters = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            parameters.Add(Parameter($"{name}{i}"));
            _args.Add(Arg($"{name}{i}", values[i]));
        }
        return string.Join(", ", parameters);
    }

    /// <summary>The bound values of every clause so far, for queries that build their own SQL around <see cref="WhereClause"/>.</summary>
    public IReadOnlyList<(string Name, object? Value)> Args => _args;

    /// <summary>"WHERE …" of every clause so far plus <paramref name="extra"/> ones; empty when there are none.</summary>
    public string WhereClause(params string[] extra) => Where([.. extra, .. _clauses]);

    /// <summary>
    /// The parts of one keyset page for this filter: the count's WHERE (no cursor) and the page's (with the cursor),
    /// the arguments of each, and the limit — one more row than asked is read, to tell whether another page follows.
    /// The cursor must be an id of this list (<paramref name="idPrefix"/>); anything else is <c>invalid_cursor</c>
    /// (<see cref="Cursors"/>), never a comparison that happens to give an empty or a wrong page.
    /// </summary>
    public KeysetPage Keyset(PageRequest request, string idPrefix)
    {
        var limit = Math.Clamp(request.Limit, 1, PageRequest.MaxLimit);
        var pageClauses = new List<string>(_clauses);
        var pageArgs = new List<(string Name, object? Value)>(_args) { Arg("page_limit", limit + 1) };
        if (Cursors.KeysetAfterOrNull(request.Cursor, idPrefix) is { } after)
        {
            pageClauses.Add($"id < {Parameter("page_cursor")}");
            pageArgs.Add(Arg("page_cursor", after));
        }
        return new KeysetPage(limit, Where(_clauses), Where(pageClauses), Parameter("page_limit"), [.. _args], [.. pageArgs]);
    }

    private static string Where(List<string> clauses) => clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);
}

/// <summary>
/// One keyset page to read: <c>SELECT count(*) … {CountWhere}</c> with <see cref="CountArgs"/>, and
/// <c>SELECT … {PageWhere} ORDER BY id DESC LIMIT {LimitParameter}</c> with <see cref="PageArgs"/>.
/// </summary>
internal sealed record KeysetPage(
    int Limit,
    string CountWhere,
    string PageWhere,
    string LimitParameter,
    (string Name, object? Value)[] CountArgs,
    (string Name, object? Value)[] PageArgs)
{
    /// <summary>The page the rows read (at most one more than <see cref="Limit"/>) make; the cursor is the last id kept.</summary>
    public Page<T> Of<T>(List<T> rows, long total, Func<T, string> idOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(idOf);
        if (rows.Count <= Limit) return new Page<T>(rows, total, null);
        rows.RemoveAt(Limit);
        return new Page<T>(rows, total, idOf(rows[^1]));
    }
}
