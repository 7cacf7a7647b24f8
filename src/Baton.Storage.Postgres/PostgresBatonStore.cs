using System.Net.Sockets;
using Baton.Core.Orchestration;
using Baton.Core.Requests;
using Baton.Core.Storage;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// The multi-node store (docs/architecture.md §8): several <c>baton serve</c> replicas over one PostgreSQL database. Every
/// answer matches the SQLite store's (one contract suite runs against both). Each operation is as few round trips as
/// its rule allows, on pooled connections. Heartbeats go through a group-commit writer (<see cref="HeartbeatWriter"/>):
/// the heartbeats that arrive together share one <c>UPDATE … FROM unnest(…) RETURNING</c>, one round trip and one commit.
/// Writes that must see each other across replicas are serialised in the database: SOD per (agent, venture, repo,
/// track) with a transaction-scoped advisory lock, doc versions per (scope, name), migrations with a session lock.
/// </summary>
/// <remarks>
/// Usage: <c>var store = PostgresBatonStore.Open(options); await store.InitializeAsync(ct);</c> … <c>await store.DisposeAsync();</c>
/// </remarks>
public sealed partial class PostgresBatonStore : IBatonStore, IRateLimitCounter, IAssignmentFeed
{
    /// <summary>The advisory-lock key migrations run under (any constant both replicas agree on: "baton" in ASCII).</summary>
    private const long MigrationLockKey = 0x6261746f6e;

    /// <summary>Most heartbeats one batch carries: enough for a fleet's burst, small enough that one statement stays quick.</summary>
    private const int MaxHeartbeatBatch = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly PostgresStoreOptions _options;
    private readonly string _maskedConnectionString;
    private readonly string _location;
    private readonly string _connectionString;
    private readonly RoundTripCounter _roundTrips = new();
    private HeartbeatWriter? _heartbeats;
    private bool _initialized;
    private int _disposed;

    private PostgresBatonStore(NpgsqlDataSource dataSource, PostgresStoreOptions options, string connectionString, string maskedConnectionString,
        TimeProvider clock)
    {
        _options = options;
        _connectionString = connectionString;
        _dataSource = dataSource;
        _maskedConnectionString = maskedConnectionString;
        _clock = clock;
        var parsed = new NpgsqlConnectionStringBuilder(maskedConnectionString);
        _location = $"PostgreSQL database {parsed.Database ?? "(default)"} on {parsed.Host}:{parsed.Port}";
    }

    /// <summary>
    /// Prepares a store on <see cref="PostgresStoreOptions.ConnectionString"/>. Nothing is opened until
    /// <see cref="InitializeAsync"/>. <paramref name="clock"/> stamps <c>schema_migrations.applied_at</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not usable; the message lists every problem (password masked).</exception>
    public static PostgresBatonStore Open(PostgresStoreOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException("The PostgreSQL store options are not valid: " + string.Join(" ", problems), nameof(options));

        var builder = ConnectionStrings.Normalize(options.ConnectionString);
        builder.MaxPoolSize = options.MaxPoolSize;
        // Auto-prepare the statements each connection runs repeatedly (heartbeat, SOD, key lookup): PostgreSQL then
        // skips parsing and planning them, which is most of a small statement's server-side cost.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 2;
        // The store never changes session state (no SET, no temp tables), so a connection returned to the pool needs
        // no reset; skipping it keeps the prepared statements and saves the reset's work on every rent.
        builder.NoResetOnClose = true;
        // The timeout a caller sees when the database is gone; the default 15 s is longer than any client waits.
        if (builder.Timeout == 15) builder.Timeout = 5;
        var masked = ConnectionStrings.Mask(builder.ConnectionString);
        return new PostgresBatonStore(NpgsqlDataSource.Create(builder.ConnectionString), options, builder.ConnectionString, masked, clock ?? TimeProvider.System);
    }

    public string Kind => "postgres";

    /// <summary>Always: several <c>baton serve</c> replicas may share one PostgreSQL database.</summary>
    public bool SharedByReplicas => true;

    /// <summary>
    /// The heartbeat writer's counters (batches committed and heartbeats they touched; zero before
    /// <see cref="InitializeAsync"/>), and every round trip the store made since it opened (migrations aside).
    /// </summary>
    public PostgresStoreStatistics Statistics => (_heartbeats?.Statistics ?? default) with { RoundTrips = _roundTrips.Count };

    /// <summary>Test seam: heartbeats waiting for the writer's next batch.</summary>
    internal int QueuedHeartbeats => _heartbeats?.Queued ?? 0;

    /// <summary>Connects, then applies pending migrations under an advisory lock so replicas starting together apply each once.</summary>
    /// <exception cref="StoreUnavailableException">The database cannot be reached or refused the login (password masked).</exception>
    public async Task InitializeAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_initialized) throw new InvalidOperationException("InitializeAsync was already called on this store.");

        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            throw new StoreUnavailableException(StorageFailure.Unreachable, _location,
                $"Cannot connect to PostgreSQL ({_maskedConnectionString}): {Reason(ex)} " +
                "Check that the server is running and that --store-url (BATON_STORE_URL) names the right host, port, database, user and password.", ex);
        }

        await using (connection.ConfigureAwait(false))
        {
            await Migrations.ApplyAsync(connection, MigrationLockKey, _clock.GetUtcNow(), ct).ConfigureAwait(false);
        }
        _heartbeats = new HeartbeatWriter(_dataSource, MaxHeartbeatBatch, _options.HeartbeatBatchesInFlight, _roundTrips);
        _initialized = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Heartbeats already queued are sent and answered first; after that every write was committed before its
        // caller was answered, so closing the pool loses nothing.
        if (_heartbeats is not null) await _heartbeats.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>What went wrong, in words that carry no secret: PostgreSQL's own error text never holds the password.</summary>
    private static string Reason(Exception ex) => ex switch
    {
        PostgresException pg => $"the server said: {pg.MessageText} ({pg.SqlState}).",
        NpgsqlException { InnerException: SocketException socket } => $"{socket.SocketErrorCode}: {socket.Message}.",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the connection timed out.",
        _ => ex.Message.TrimEnd('.') + ".",
    };

    /// <summary>Runs <paramref name="work"/> on a pooled connection, each statement committing on its own.</summary>
    private async Task<T> RunAsync<T>(Func<Db, Task<T>> work, CancellationToken ct)
    {
        EnsureUsable();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await work(new Db(connection, null, _roundTrips)).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresFailures.Translate(ex, _location) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on a pooled connection and commits. Npgsql sends BEGIN with the
    /// first statement, so the transaction costs one extra round trip: the COMMIT.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<Db, Task<T>> work, CancellationToken ct)
    {
        EnsureUsable();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await work(new Db(connection, transaction, _roundTrips)).ConfigureAwait(false);
            _roundTrips.Add();
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex) when (PostgresFailures.Translate(ex, _location) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// A write: <paramref name="work"/>'s statements each commit on their own, except under a request's Idempotency-Key
    /// (<see cref="IdempotencyScope.Current"/>), where they run in one transaction with the key's record.
    /// </summary>
    private Task<T> WriteAsync<T>(Func<Db, Task<T>> work, CancellationToken ct) =>
        IdempotencyScope.Current is { } scope ? WriteUnderKeyAsync(scope, work, ct) : RunAsync(work, ct);

    /// <summary>A write in one transaction; under a request's Idempotency-Key the key's record is in it too.</summary>
    private Task<T> WriteInTransactionAsync<T>(Func<Db, Task<T>> work, CancellationToken ct) =>
        IdempotencyScope.Current is { } scope ? WriteUnderKeyAsync(scope, work, ct) : InTransactionAsync(work, ct);

    private Task<T> WriteUnderKeyAsync<T>(IdempotencyScope scope, Func<Db, Task<T>> work, CancellationToken ct)
    {
        var position = scope.NextWrite();
        return InTransactionAsync(db => WriteUnderKeyAsync(db, scope, position, work, ct), ct);
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_initialized) throw new InvalidOperationException("Call InitializeAsync before using the store.");
    }
}
