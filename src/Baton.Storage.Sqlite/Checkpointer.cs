using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Moves WAL pages into the database file in the background. SQLite's automatic checkpoint runs inside the commit that
/// crosses the threshold — on our writer, holding up every caller in that group while it writes pages and fsyncs.
/// With the writer's auto-checkpoint off, this hosted service runs a PASSIVE checkpoint (which never blocks the writer
/// or readers) on its own connection once a second, so that cost leaves the request path.
/// <para>
/// A PASSIVE checkpoint alone never lets a busy WAL start over: SQLite rewinds the WAL only when a write begins while
/// every frame is already in the database file, and under sustained writes some group always commits while the
/// checkpoint copies — so the WAL (and its index, mapped into this process) grew without end, gigabytes in minutes
/// under the bench (decisions/0017-heartbeat-path-and-wal-restart.md). So once the WAL holds more than
/// <see cref="RestartAfterBytes"/>, the tick also asks the writer, between two of its groups, for a RESTART checkpoint on
/// its own connection: it copies only what was written since the passive pass and waits (at most
/// <see cref="RestartWaitMilliseconds"/>) for readers still on old frames, and the writer's next group then writes the
/// WAL from its start. That pauses writes for a few milliseconds, only while writes never stop.
/// </para>
/// When the last connection to the file closes, SQLite checkpoints what is left, so short-lived local-mode processes
/// leave no WAL behind either. Registered by <see cref="SqliteServiceCollectionExtensions.AddSqliteStore"/>.
/// </summary>
internal sealed class Checkpointer(SqliteBatonStore store, TimeProvider clock, ILogger<Checkpointer> logger) : BackgroundService
{
    /// <summary>The WAL is truncated back to this size after a checkpoint resets it, so one burst does not leave a huge file.</summary>
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>How long the writer's RESTART checkpoint waits for readers before giving up until the next tick.</summary>
    public const int RestartWaitMilliseconds = 50;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private SqliteConnection? _connection;

    /// <summary>WAL size past which a tick makes the writer restart it (tests make it small).</summary>
    internal long RestartAfterBytes { get; init; } = JournalSizeLimitBytes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (SqliteException error) when (error.SqliteErrorCode is 5 or 6)
                {
                    // SQLITE_BUSY / SQLITE_LOCKED by another process: the next tick tries again; nothing is lost by waiting.
                }
                catch (Exception error) when (error is not OperationCanceledException and not ObjectDisposedException)
                {
                    // Anything else (a full or failing disk) is worth saying, but never worth stopping for: the WAL only grows.
                    logger.LogWarning(error, "WAL checkpoint of {Path} failed; trying again in {Interval}", store.DatabasePath, Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    /// <summary>One tick: the passive checkpoint, then the writer's restart when the WAL has grown past the mark.</summary>
    internal async Task<WalCheckpoint> RunOnceAsync(CancellationToken ct)
    {
        _connection ??= new SqliteConnection(store.WriterConnectionString);
        if (_connection.State != System.Data.ConnectionState.Open) await _connection.OpenAsync(ct).ConfigureAwait(false);
        long frames, pageSize;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var reader = command.ExecuteReader();
            frames = reader.Read() ? reader.GetInt64(1) : 0;
        }
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "PRAGMA page_size";
            pageSize = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        // A WAL frame is a page and a 24-byte header.
        if (frames * (pageSize + 24) <= RestartAfterBytes) return new WalCheckpoint(frames, Restarted: false);
        var restarted = await store.RestartWalAsync(RestartWaitMilliseconds, ct).ConfigureAwait(false);
        return new WalCheckpoint(frames, restarted);
    }

    public override void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
        base.Dispose();
    }
}

/// <summary>What one checkpoint tick found and did.</summary>
/// <param name="Frames">Frames in the WAL when the tick began (since its last restart).</param>
/// <param name="Restarted">The writer's RESTART checkpoint completed: its next write starts the WAL over.</param>
internal readonly record struct WalCheckpoint(long Frames, bool Restarted);
