using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Moves WAL pages into the database file in the background. SQLite's automatic checkpoint runs inside the commit that
/// crosses the threshold — on our writer, holding up every caller in that group while it writes pages and fsyncs.
/// With the writer's auto-checkpoint off, this hosted service runs a PASSIVE checkpoint (which never blocks the writer
/// or readers) on its own connection once a second, so that cost leaves the request path.
/// When the last connection to the file closes, SQLite checkpoints what is left, so short-lived local-mode processes
/// leave no WAL behind either. Registered by <see cref="SqliteServiceCollectionExtensions.AddSqliteStore"/>.
/// </summary>
internal sealed class Checkpointer(SqliteBatonStore store, TimeProvider clock, ILogger<Checkpointer> logger) : BackgroundService
{
    /// <summary>The WAL is truncated back to this size after a checkpoint resets it, so one burst does not leave a huge file.</summary>
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new SqliteConnection(store.WriterConnectionString);
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                }
                catch (SqliteException error) when (error.SqliteErrorCode is 5 or 6)
                {
                    // SQLITE_BUSY / SQLITE_LOCKED by another process: the next tick tries again; nothing is lost by waiting.
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // Anything else (a full or failing disk) is worth saying, but never worth stopping for: the WAL only grows.
                    logger.LogWarning(error, "WAL checkpoint of {Path} failed; trying again in {Interval}", store.DatabasePath, Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
