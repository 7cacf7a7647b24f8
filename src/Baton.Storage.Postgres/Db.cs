using System.Data.Common;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// A connection plus the transaction its commands belong to (null = each statement commits on its own), with the few
/// helpers the store needs. Parameters are named <c>@name</c> in the SQL and passed as (name, value) pairs. Every
/// exchange with the server (a command, a batch) is counted in <paramref name="roundTrips"/> when one is given.
/// </summary>
internal sealed class Db(NpgsqlConnection connection, NpgsqlTransaction? transaction, RoundTripCounter? roundTrips = null)
{
    public NpgsqlConnection Connection => connection;

    /// <summary>Runs <paramref name="query"/> alone: one statement, one round trip.</summary>
    public async Task<T> QueryAsync<T>(Query<T> query, CancellationToken ct)
    {
        await using var command = Command(query.Sql, query.Args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await query.Read(reader, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends every statement of <paramref name="batch"/> in one <see cref="NpgsqlBatch"/>, one round trip, and hands
    /// each query's result set to its reader in order. Statements without a result set (BEGIN, COMMIT, a write without
    /// RETURNING) produce none, so the readers line up with the queries alone.
    /// </summary>
    public async Task ExecuteAsync(Batch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var npgsqlBatch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, args) in batch.Statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var (name, value) in args) command.Parameters.Add(Parameter(name, value));
            npgsqlBatch.BatchCommands.Add(command);
        }
        roundTrips?.Add();
        await using var reader = await npgsqlBatch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var first = true;
        foreach (var read in batch.Readers)
        {
            if (!first && !await reader.NextResultAsync(ct).ConfigureAwait(false))
                throw new InvalidOperationException("The batch returned fewer result sets than it has queries.");
            first = false;
            await read(reader, ct).ConfigureAwait(false);
        }
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(sql, args);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<T?> FirstOrDefaultAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] args)
        where T : class
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? map(reader) : null;
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var items = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) items.Add(map(reader));
        return items;
    }

    /// <summary>
    /// Runs <paramref name="firstSql"/> (its result ignored) and then the query <paramref name="sql"/> in one round trip
    /// (an <see cref="NpgsqlBatch"/>), and returns the query's rows. Each statement still takes its own snapshot, so the
    /// query sees whatever committed while the first statement waited (a lock, say). Both share <paramref name="args"/>.
    /// </summary>
    public async Task<List<T>> ListAfterAsync<T>(string firstSql, string sql, Func<DbDataReader, T> map, CancellationToken ct,
        params (string Name, object? Value)[] args)
    {
        roundTrips?.Add();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var text in new[] { firstSql, sql })
        {
            // A parameter belongs to one collection: each statement gets its own.
            var command = new NpgsqlBatchCommand(text);
            foreach (var (name, value) in args) command.Parameters.Add(Parameter(name, value));
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.NextResultAsync(ct).ConfigureAwait(false);
        var items = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) items.Add(map(reader));
        return items;
    }

    private NpgsqlCommand Command(string sql, (string Name, object? Value)[] args)
    {
        roundTrips?.Add();
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in args) command.Parameters.Add(Parameter(name, value));
        return command;
    }

    private static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        // Typed, so a null or an empty array still tells PostgreSQL what it is.
        null => new NpgsqlParameter(name, DBNull.Value),
        string[] list => new NpgsqlParameter<string[]>(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = list },
        _ => new NpgsqlParameter(name, value),
    };
}

/// <summary>
/// One SELECT and what its result set makes: run alone (<see cref="Db.QueryAsync{T}"/>) or with others in a
/// <see cref="Batch"/>. <see cref="Read"/> consumes the rows of its own result set only.
/// </summary>
internal sealed record Query<T>(string Sql, (string Name, object? Value)[] Args, Func<DbDataReader, CancellationToken, Task<T>> Read)
{
    /// <summary>The same statement, its rows made into something else.</summary>
    public Query<TOut> Then<TOut>(Func<T, TOut> next) => new(Sql, Args, async (r, ct) => next(await Read(r, ct).ConfigureAwait(false)));
}

internal static class Queries
{
    /// <summary>Every row mapped, as a list.</summary>
    public static Query<List<T>> List<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] args) =>
        new(sql, args, (r, ct) => ReadAllAsync(r, map, ct));

    /// <summary>The first column of the one row a <c>SELECT count(*)</c>-like statement returns.</summary>
    public static Query<long> Scalar(string sql, params (string Name, object? Value)[] args) =>
        new(sql, args, async (r, ct) =>
        {
            if (!await r.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("The query returned no row.");
            return Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        });

    public static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken ct)
    {
        var items = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) items.Add(map(reader));
        return items;
    }
}

/// <summary>
/// Statements to send in one round trip (<see cref="Db.ExecuteAsync(Batch, CancellationToken)"/>). A query added with
/// <see cref="Add{T}(Query{T})"/> hands back a function that gives its result once the batch has run.
/// </summary>
internal sealed class Batch
{
    private readonly List<(string Sql, (string Name, object? Value)[] Args)> _statements = [];
    private readonly List<Func<DbDataReader, CancellationToken, Task>> _readers = [];

    public IReadOnlyList<(string Sql, (string Name, object? Value)[] Args)> Statements => _statements;

    public IReadOnlyList<Func<DbDataReader, CancellationToken, Task>> Readers => _readers;

    /// <summary>A statement whose result set, if any, nobody reads: it must have none (BEGIN, COMMIT, a plain write).</summary>
    public void Add(string sql, params (string Name, object? Value)[] args) => _statements.Add((sql, args));

    public Func<T> Add<T>(Query<T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var done = false;
        T result = default!;
        _statements.Add((query.Sql, query.Args));
        _readers.Add(async (reader, ct) =>
        {
            result = await query.Read(reader, ct).ConfigureAwait(false);
            done = true;
        });
        return () => done ? result : throw new InvalidOperationException("The batch holding this query has not run.");
    }
}

/// <summary>Exchanges with the server since the store opened: what the store's statistics report as round trips.</summary>
internal sealed class RoundTripCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}
