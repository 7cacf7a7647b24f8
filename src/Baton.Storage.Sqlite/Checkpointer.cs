using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Moves WAL pages into the database file in the background. SQLite's automatic checkpoint runs inside the commit that
/// crosses the threshold — on our writer, holding up every caller in that group while it writes pages and fsyncs.
/// With the writer's auto-checkpoint off, this loop runs a PASSIVE checkpoint (which never blocks the writer or
/// readers) on its own connection once a second, so that cost leaves the request path.
/// When the last connection to the file closes, SQLite checkpoints what is left, so short-lived local-mode processes
/// leave no WAL behind either.
/// </summary>
internal sealed class Checkpointer : IAsyncDisposable
{
    /// <summary>The WAL is truncated back to this size after a checkpoint resets it, so one burst does not leave a huge file.</summary>
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    private readonly SqliteConnection _connection;
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public Checkpointer(string connectionString, TimeSpan interval, TimeProvider clock)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _timer = new PeriodicTimer(interval, clock);
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                command.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy or locked by another process: the next tick tries again; nothing is lost by waiting.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
