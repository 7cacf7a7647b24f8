using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Read connections kept open together with their prepared statements. Microsoft.Data.Sqlite's own pool keeps the
/// connection but not the statements, so every SOD re-prepared its dozen queries; keeping each connection's
/// <see cref="StatementCache"/> with it makes a repeated read only reset and rebind. A connection is used by one read
/// at a time; at most <see cref="MaxIdle"/> wait idle, extra ones made under a burst are closed when returned.
/// </summary>
internal sealed class ReaderPool(string connectionString) : IDisposable
{
    public const int MaxIdle = 16;

    private readonly ConcurrentBag<Reader> _idle = [];
    private int _disposed;

    public Reader Rent()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_idle.TryTake(out var reader)) return reader;
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return new Reader(connection, new StatementCache());
    }

    public void Return(Reader reader)
    {
        if (!reader.Broken && Volatile.Read(ref _disposed) == 0 && _idle.Count < MaxIdle) _idle.Add(reader);
        else reader.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        while (_idle.TryTake(out var reader)) reader.Dispose();
    }

    internal sealed class Reader(SqliteConnection connection, StatementCache statements) : IDisposable
    {
        /// <summary>Set when a transaction could not be rolled back: the connection is closed rather than reused.</summary>
        public bool Broken { get; private set; }

        /// <summary>Runs <paramref name="work"/> in one read transaction, so a count and its page share a snapshot.</summary>
        public T Run<T>(Func<Db, T> work)
        {
            var db = new Db(connection, null, statements);
            db.Execute("BEGIN");
            try
            {
                var result = work(db);
                db.Execute("COMMIT");
                return result;
            }
            catch
            {
                try
                {
                    db.Execute("ROLLBACK");
                }
                catch (SqliteException)
                {
                    Broken = true; // the original exception is the one worth reporting
                }
                throw;
            }
        }

        public void Dispose()
        {
            statements.Dispose();
            connection.Dispose();
        }
    }
}
