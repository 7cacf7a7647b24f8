using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// A connection plus the transaction its commands belong to, with the few helpers the store needs. Microsoft.Data.Sqlite
/// requires every command on a connection with a pending transaction to name that transaction; this does it once.
/// </summary>
internal sealed class Db(SqliteConnection connection, SqliteTransaction? transaction)
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

    public T? FirstOrDefault<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args) where T : class
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        return reader.Read() ? map(reader) : null;
    }

    public List<T> List<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] args)
    {
        using var command = Command(sql, args);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read()) items.Add(map(reader));
        return items;
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] args)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
