using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// A connection plus the transaction its commands belong to, with the few helpers the store needs. Microsoft.Data.Sqlite
/// requires every command on a connection with a pending transaction to name that transaction; this does it once.
/// </summary>
internal sealed class Db(SqliteConnection connection, SqliteTransaction? transaction, StatementCache? cache = null)
{
    public int Execute(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return command.ExecuteNonQuery();
    }

    public long Scalar(string sql, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public T? FirstOrDefault<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] args) where T : class
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        return reader.Read() ? map(reader) : null;
    }

    public List<T> List<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read()) items.Add(map(reader));
        return items;
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] args)
    {
        var command = cache?.Rent(connection, sql) ?? connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}

/// <summary>
/// Prepared statements kept for one long-lived connection (the writer's). SQLite prepares a statement each time a new
/// command runs; a command that is kept and run again only resets and rebinds it. On the writer, which runs every
/// write one after another, that preparation was a large part of each heartbeat's cost.
/// Single-threaded by design: only the writer loop uses it.
/// </summary>
internal sealed class StatementCache : IDisposable
{
    private readonly Dictionary<string, CachedCommand> _commands = new(StringComparer.Ordinal);

    public SqliteCommand Rent(SqliteConnection connection, string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = new CachedCommand { Connection = connection, CommandText = sql };
            _commands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.DisposeForReal();
        _commands.Clear();
    }

    /// <summary>A command whose <c>using</c> at the call site does not dispose it, so it stays prepared.</summary>
    private sealed class CachedCommand : SqliteCommand
    {
        private bool _disposing;

        protected override void Dispose(bool disposing)
        {
            if (_disposing) base.Dispose(disposing);
        }

        public void DisposeForReal()
        {
            _disposing = true;
            Dispose();
        }
    }
}
