using System.Data.Common;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// A connection plus the transaction its commands belong to (null = each statement commits on its own), with the few
/// helpers the store needs. Parameters are named <c>@name</c> in the SQL and passed as (name, value) pairs.
/// </summary>
internal sealed class Db(NpgsqlConnection connection, NpgsqlTransaction? transaction)
{
    public NpgsqlConnection Connection => connection;

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
