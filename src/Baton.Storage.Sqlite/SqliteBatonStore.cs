using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The embedded store (docs/architecture.md §8): one SQLite file in WAL mode. Writes go through one long-lived writer
/// connection with group commit (<see cref="GroupCommitWriter"/>); reads use pooled connections of their own, so a
/// read never waits for a write. Several processes may open the same file: every write transaction takes the write
/// lock up front (<c>BEGIN IMMEDIATE</c>) and waits up to <see cref="SqliteStoreOptions.BusyTimeout"/> for it.
/// It implements both storage ports: <see cref="IBatonStore"/> and the knowledge side, <see cref="IKnowledgeStore"/>
/// (notes searched with FTS5, versioned docs, doc requirements).
/// </summary>
/// <remarks>
/// Usage: <c>var store = SqliteBatonStore.Open(options); await store.InitializeAsync(ct);</c> … <c>await store.DisposeAsync();</c>
/// Dispose finishes every queued write before closing.
/// </remarks>
public sealed partial class SqliteBatonStore : IBatonStore
{
    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _writerConnectionString;
    private readonly ReaderPool _readers;
    private GroupCommitWriter? _writer;
    private int _disposed;

    private SqliteBatonStore(SqliteStoreOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        // The writer lives as long as the store; pooling it would only let another store instance borrow it.
        _writerConnectionString = ConnectionString(options, SqliteOpenMode.ReadWriteCreate, pooling: false);
        // Reads use our own pool, which keeps each connection's prepared statements too (see ReaderPool).
        _readers = new ReaderPool(ConnectionString(options, SqliteOpenMode.ReadWrite, pooling: false));
    }

    /// <summary>
    /// Prepares a store on <see cref="SqliteStoreOptions.DatabasePath"/> (creating its directory). Nothing is opened
    /// until <see cref="InitializeAsync"/>. <paramref name="clock"/> stamps <c>schema_migrations.applied_at</c>
    /// (default: the system clock); every other time is passed in by the caller.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem.</exception>
    public static SqliteBatonStore Open(SqliteStoreOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("The SQLite store options are not valid: " + string.Join(" ", problems), nameof(options));

        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        try
        {
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException(StorageFailure.CannotOpen, directory!,
                $"The data directory {directory} cannot be created ({ex.GetType().Name}): check the path and its permissions.", ex);
        }
        return new SqliteBatonStore(options, clock ?? TimeProvider.System);
    }

    public string Kind => "sqlite";

    /// <summary>Never: one server process owns the file (local-mode CLIs beside it share it through SQLite itself).</summary>
    public bool SharedByReplicas => false;

    /// <summary>The read-write connection string (for the checkpointer's own connection).</summary>
    internal string WriterConnectionString => _writerConnectionString;

    /// <summary>The directory holding the database file: what storage failures name.</summary>
    private string DataDirectory => Path.GetDirectoryName(Path.GetFullPath(_options.DatabasePath)) ?? _options.DatabasePath;

    /// <summary>Path of the database file.</summary>
    public string DatabasePath => _options.DatabasePath;

    /// <summary>Commits and writes since this instance opened: CommitCount &lt; OpCount shows writes shared commits.</summary>
    public SqliteStoreStatistics Statistics => _writer?.Statistics ?? default;

    /// <summary>
    /// The writer connection's <c>synchronous</c> pragma as SQLite reports it (<c>OFF</c>, <c>NORMAL</c>, <c>FULL</c>,
    /// <c>EXTRA</c>): what the durability setting actually reached, not what was asked for.
    /// </summary>
    public Task<string> ReadSynchronousAsync(CancellationToken ct) =>
        WriteUnkeyedAsync(db => db.Scalar("PRAGMA synchronous") switch
        {
            0 => "OFF",
            1 => "NORMAL",
            2 => "FULL",
            3 => "EXTRA",
            var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, ct);

    /// <summary>
    /// A RESTART checkpoint on the writer's connection, between two groups (<see cref="Checkpointer"/>): copies what
    /// is left of the WAL and waits up to <paramref name="waitMilliseconds"/> for readers on old frames, so that the
    /// writer's next group writes the WAL from its start. True when it completed; false when readers (or another
    /// process's writer) kept it from completing, which the next tick tries again.
    /// </summary>
    internal Task<bool> RestartWalAsync(int waitMilliseconds, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var writer = _writer ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");
        var busyTimeout = (long)_options.BusyTimeout.TotalMilliseconds;
        return writer.BetweenGroupsAsync(db =>
        {
            // The writer waits for nothing longer than this: its own busy timeout (for writes) is seconds.
            db.Execute($"PRAGMA busy_timeout = {waitMilliseconds}");
            try
            {
                return db.FirstOrDefault("PRAGMA wal_checkpoint(RESTART)", r => (object)(r.GetInt64(0) == 0)) is true;
            }
            finally
            {
                db.Execute($"PRAGMA busy_timeout = {busyTimeout}");
            }
        }, ct);
    }

    /// <summary>Opens the writer connection, sets the pragmas, applies pending migrations and starts the writer loop.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is not null) throw new InvalidOperationException("InitializeAsync was already called on this store.");

        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            ConfigureWriter(connection);
            await Migrations.ApplyAsync(connection, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (SqliteFailures.Translate(ex, DataDirectory) is { } failure) throw failure;
            throw;
        }

        _writer = new GroupCommitWriter(connection, _options.MaxGroupSize, error => SqliteFailures.Map(error, DataDirectory), RaiseChanged);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
        // Pooled readers keep the file open after the store is gone; release them so the file can be moved or deleted.
        _readers.Dispose();
    }

    private static string ConnectionString(SqliteStoreOptions options, SqliteOpenMode mode, bool pooling) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = mode,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            // Microsoft.Data.Sqlite retries a busy database for this long (whole seconds) on every command.
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();

    private void ConfigureWriter(SqliteConnection connection)
    {
        var db = new Db(connection, null);
        // busy_timeout first: switching a fresh file to WAL needs a lock another process may hold at that moment.
        db.Execute($"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}");
        // journal_mode is persistent in the file; WAL lets readers (and other processes) read while one writes.
        var mode = db.FirstOrDefault("PRAGMA journal_mode = WAL", r => r.GetString(0));
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite refused WAL mode for {_options.DatabasePath} (journal_mode is '{mode}').");
        db.Execute($"PRAGMA synchronous = {_options.Synchronous.ToUpperInvariant()}");
        db.Execute("PRAGMA foreign_keys = ON");
        // Checkpoints run in the background (Checkpointer), not inside the commit of whichever group crosses the mark.
        db.Execute("PRAGMA wal_autocheckpoint = 0");
        db.Execute($"PRAGMA journal_size_limit = {Checkpointer.JournalSizeLimitBytes}");
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the writer's next group; answers after that group committed. Under a request's
    /// Idempotency-Key (<see cref="IdempotencyScope.Current"/>) the key's record is read and written in the same
    /// savepoint (<see cref="WriteUnderKey"/>).
    /// </summary>
    internal Task<T> WriteAsync<T>(Func<Db, T> work, CancellationToken ct)
    {
        if (IdempotencyScope.Current is not { } scope) return WriteUnkeyedAsync(work, ct);
        var position = scope.NextWrite();
        return WriteUnkeyedAsync(db => WriteUnderKey(db, scope, position, work), ct);
    }

    /// <summary>Runs <paramref name="work"/> in the writer's next group, whatever key the caller's request carries.</summary>
    private Task<T> WriteUnkeyedAsync<T>(Func<Db, T> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var writer = _writer ?? throw new InvalidOperationException("Call InitializeAsync before using the store.");
        return writer.ExecuteAsync(work, ct);
    }

    internal Task WriteAsync(Action<Db> work, CancellationToken ct) =>
        WriteAsync(db => { work(db); return true; }, ct);

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled read connection inside one read transaction, so a count and the page it
    /// describes come from the same snapshot. The work is synchronous (SQLite has no asynchronous I/O to offer), so it
    /// runs on the caller's thread without a hop.
    /// </summary>
    private Task<T> ReadAsync<T>(Func<Db, T> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null) throw new InvalidOperationException("Call InitializeAsync before using the store.");
        ct.ThrowIfCancellationRequested();

        ReaderPool.Reader? reader = null;
        try
        {
            reader = _readers.Rent();
            return Task.FromResult(reader.Run(work));
        }
        catch (Exception ex) when (SqliteFailures.Translate(ex, DataDirectory) is { } failure)
        {
            throw failure;
        }
        finally
        {
            if (reader is not null) _readers.Return(reader);
        }
    }
}
