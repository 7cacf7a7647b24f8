using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Storage.Contract;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>What only the embedded store promises: migrations, WAL, group commit, several instances on one file.</summary>
public sealed class SqliteStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    private static readonly DateTimeOffset T0 = Some.T0;

    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private readonly List<SqliteBatonStore> _stores = [];

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        _timeout.Dispose();
        _directory.Dispose();
    }

    private async Task<SqliteBatonStore> OpenStoreAsync(ManualClock? clock = null)
    {
        var store = SqliteBatonStore.Open(_directory.StoreOptions(), clock);
        _stores.Add(store);
        await store.InitializeAsync(Ct);
        return store;
    }

    /// <summary>A plain connection to the same file, for looking at what the store wrote.</summary>
    private SqliteConnection OpenRaw() => _directory.OpenRawConnection();

    private static List<(long Version, string Name, long AppliedAt, string Checksum)> ReadMigrations(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name, applied_at, checksum FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string, long, string)>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        return rows;
    }

    private static string Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public void Open_WithBadOptions_ListsEveryProblem()
    {
        var options = new SqliteStoreOptions { DatabasePath = " ", Synchronous = "OFF", MaxGroupSize = 0 };

        var error = Assert.Throws<ArgumentException>(() => SqliteBatonStore.Open(options));

        Assert.Contains("DatabasePath", error.Message);
        Assert.Contains("Synchronous: 'OFF' is not allowed; use one of NORMAL, FULL", error.Message);
        Assert.Contains("MaxGroupSize", error.Message);
    }

    [Fact]
    public async Task Open_WhenParentDirectoryMissing_CreatesIt()
    {
        var options = new SqliteStoreOptions { DatabasePath = Path.Combine(_directory.Path, "nested", "deeper", "baton.db") };
        var store = SqliteBatonStore.Open(options);
        _stores.Add(store);

        await store.InitializeAsync(Ct);

        Assert.True(File.Exists(options.DatabasePath));
    }

    [Fact]
    public void ForDataDirectory_Always_PointsAtBatonDbInThatDirectory()
    {
        var options = SqliteStoreOptions.ForDataDirectory("/data/baton");

        Assert.Equal(Path.Combine("/data/baton", "baton.db"), options.DatabasePath);
        Assert.Equal("NORMAL", options.Synchronous);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BusyTimeout);
    }

    [Fact]
    public async Task Initialize_OnFreshFile_RecordsEachEmbeddedMigrationOnce()
    {
        var clock = new ManualClock(T0);

        await OpenStoreAsync(clock);

        using var raw = OpenRaw();
        var rows = ReadMigrations(raw);
        Assert.Equal(Migrations.Embedded.Select(m => (long)m.Version), rows.Select(r => r.Version));
        Assert.Equal((1L, "initial"), (rows[0].Version, rows[0].Name));
        Assert.All(rows, r => Assert.Equal(T0.ToUnixTimeMilliseconds(), r.AppliedAt));
        Assert.All(rows, r => Assert.Equal(64, r.Checksum.Length));
    }

    [Fact]
    public async Task Initialize_WhenReopened_AppliesNothingAgainAndKeepsData()
    {
        var first = await OpenStoreAsync(new ManualClock(T0));
        var venture = Some.Venture();
        await first.UpsertVenturesAsync([venture], Ct);
        await first.DisposeAsync();

        var second = await OpenStoreAsync(new ManualClock(T0.AddDays(1)));

        using var raw = OpenRaw();
        Assert.All(ReadMigrations(raw), r => Assert.Equal(T0.ToUnixTimeMilliseconds(), r.AppliedAt));
        Assert.Equal(Migrations.Embedded.Count, ReadMigrations(raw).Count);
        Assert.Equal(venture.Name, (await second.FindVentureOrNullAsync(venture.Code, Ct))?.Name);
    }

    [Fact]
    public async Task Initialize_WhenAppliedMigrationWasEdited_RefusesToStart()
    {
        var first = await OpenStoreAsync();
        await first.DisposeAsync();
        using (var raw = OpenRaw())
        {
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1";
            command.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStoreAsync());

        Assert.Contains("0001_initial", error.Message);
    }

    [Fact]
    public async Task Initialize_Always_SetsWalMode()
    {
        await OpenStoreAsync();

        using var raw = OpenRaw();
        Assert.Equal("wal", Pragma(raw, "journal_mode"));
    }

    [Fact]
    public async Task Initialize_ByTwoStoresAtOnceOnAFreshFile_AppliesEachMigrationOnce()
    {
        var a = SqliteBatonStore.Open(_directory.StoreOptions());
        var b = SqliteBatonStore.Open(_directory.StoreOptions());
        _stores.Add(a);
        _stores.Add(b);

        await Task.WhenAll(Task.Run(() => a.InitializeAsync(Ct)), Task.Run(() => b.InitializeAsync(Ct)));

        using var raw = OpenRaw();
        Assert.Equal(Migrations.Embedded.Count, ReadMigrations(raw).Count);
        var venture = Some.Venture();
        await a.UpsertVenturesAsync([venture], Ct);
        Assert.NotNull(await b.FindVentureOrNullAsync(venture.Code, Ct));
    }

    [Theory]
    [InlineData("NORMAL", 1)]
    [InlineData("FULL", 2)]
    public async Task Writer_Always_RunsWithConfiguredSynchronousAndForeignKeysOn(string synchronous, long expected)
    {
        var store = SqliteBatonStore.Open(new SqliteStoreOptions { DatabasePath = _directory.StoreOptions().DatabasePath, Synchronous = synchronous });
        _stores.Add(store);
        await store.InitializeAsync(Ct);

        var (sync, foreignKeys) = await store.WriteAsync(db => (db.Scalar("PRAGMA synchronous"), db.Scalar("PRAGMA foreign_keys")), Ct);

        Assert.Equal(expected, sync);
        Assert.Equal(1, foreignKeys);
    }

    [Fact]
    public async Task Writes_FromManyConcurrentCallers_AllCommitInFewerTransactionsThanWrites()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        var before = store.Statistics;
        var handoffs = Enumerable.Range(0, 200).Select(i => Some.Handoff(venture.Code, T0.AddMilliseconds(i))).ToList();

        await Task.WhenAll(handoffs.Select(h => Task.Run(() => store.InsertHandoffAsync(h, Ct))));

        var after = store.Statistics;
        Assert.Equal(200, after.OpCount - before.OpCount);
        Assert.True(after.CommitCount - before.CommitCount < 200, $"{after.CommitCount - before.CommitCount} commits for 200 writes");
        var listed = await store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First()), Ct);
        Assert.Equal(200, listed.Total);
    }

    [Fact]
    public async Task Writes_WhenOneInAGroupFails_RollBackOnlyThatOneAndAnswerItsCallerWithTheError()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        var existing = Some.Handoff(venture.Code, T0);
        await store.InsertHandoffAsync(existing, Ct);

        // Hold the writer inside one group so the next three writes queue up and share the following group.
        var gateEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new ManualResetEventSlim();
        var held = store.WriteAsync(_ =>
        {
            gateEntered.SetResult();
            return gate.Wait(TestTimeouts.Default);
        }, Ct);
        await gateEntered.Task.WaitAsync(TestTimeouts.Default);
        var before = store.Statistics;

        var good1 = Some.Handoff(venture.Code, T0);
        var good2 = Some.Handoff(venture.Code, T0);
        var first = store.InsertHandoffAsync(good1, Ct);
        var duplicate = store.InsertHandoffAsync(existing with { Summary = "same id again" }, Ct);
        var halfDone = store.WriteAsync(db =>
        {
            db.Execute("DELETE FROM handoffs WHERE id = $id", ("$id", existing.Id));
            throw new InvalidOperationException("failed half-way");
        }, Ct);
        var last = store.InsertHandoffAsync(good2, Ct);
        gate.Set();

        Assert.True(await held);
        await first;
        await last;
        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => halfDone);
        Assert.Equal("failed half-way", error.Message);
        var after = store.Statistics;
        Assert.Equal(2, after.CommitCount - before.CommitCount); // the held group, then the four queued writes together
        Assert.NotNull(await store.FindHandoffOrNullAsync(good1.Id, Ct));
        Assert.NotNull(await store.FindHandoffOrNullAsync(good2.Id, Ct));
        Assert.Equal(existing, await store.FindHandoffOrNullAsync(existing.Id, Ct)); // the half-done delete was rolled back
    }

    [Fact]
    public async Task Writes_CancelledBeforeTheyRun_AreSkipped()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        var gateEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new ManualResetEventSlim();
        var held = store.WriteAsync(_ => { gateEntered.SetResult(); return gate.Wait(TestTimeouts.Default); }, Ct);
        await gateEntered.Task.WaitAsync(TestTimeouts.Default);
        using var cancel = new CancellationTokenSource();
        var handoff = Some.Handoff(venture.Code, T0);

        var write = store.InsertHandoffAsync(handoff, cancel.Token);
        cancel.Cancel();
        gate.Set();

        Assert.True(await held);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Null(await store.FindHandoffOrNullAsync(handoff.Id, Ct));
    }

    [Fact]
    public async Task Checkpoint_WhileWritesNeverStop_RestartsTheWal()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        using var checkpointer = new Checkpointer(store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Checkpointer>.Instance)
        {
            RestartAfterBytes = 200 * 4096,
        };

        // Writers and readers that never pause: a passive checkpoint alone always has a group committing while it
        // copies, so the WAL never starts over (it grew to gigabytes under the bench).
        using var stop = new CancellationTokenSource();
        long written = 0;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long target = 600;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var handoff = Some.Handoff(venture.Code, T0);
                await store.InsertHandoffAsync(handoff, Ct);
                await store.FindHandoffOrNullAsync(handoff.Id, Ct);
                if (Interlocked.Increment(ref written) >= Interlocked.Read(ref target)) reached.TrySetResult();
            }
        })).ToList();

        await reached.Task.WaitAsync(Ct);
        var first = await checkpointer.RunOnceAsync(Ct);
        reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref target, Interlocked.Read(ref written) + 100);
        await reached.Task.WaitAsync(Ct);
        var second = await checkpointer.RunOnceAsync(Ct);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(first.Frames > 200, $"{first.Frames} frames after 600 writes");
        Assert.True(first.Restarted);
        Assert.True(second.Frames < first.Frames, $"the WAL went on from {first.Frames} to {second.Frames} frames");
    }

    [Fact]
    public async Task BetweenGroups_AfterQueuedWrites_RunsOnceTheyCommittedAndOutsideATransaction()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        var gateEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new ManualResetEventSlim();
        var held = store.WriteAsync(_ => { gateEntered.SetResult(); return gate.Wait(TestTimeouts.Default); }, Ct);
        await gateEntered.Task.WaitAsync(TestTimeouts.Default);
        var handoff = Some.Handoff(venture.Code, T0);
        var write = store.InsertHandoffAsync(handoff, Ct);

        // A checkpoint inside the group's transaction would fail (SQLite refuses it there): it must wait for that commit.
        var seen = store.RestartWalAsync(Checkpointer.RestartWaitMilliseconds, Ct);
        gate.Set();

        Assert.True(await held);
        await write;
        Assert.True(await seen);
        using var raw = OpenRaw();
        using var command = raw.CreateCommand();
        command.CommandText = "SELECT count(*) FROM handoffs WHERE id = $id";
        command.Parameters.AddWithValue("$id", handoff.Id);
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Fact]
    public async Task StartOrResume_RacedByTwoStoresOnOneFile_EndsWithExactlyOneActiveSession()
    {
        var a = await OpenStoreAsync();
        var b = await OpenStoreAsync();
        var venture = Some.Venture();
        await a.UpsertVenturesAsync([venture], Ct);
        var agent = Some.Name("agent");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).StartOrResumeSessionAsync(Some.Session(venture.Code, T0, agent: agent), T0, StaleAfter, Ct))));

        Assert.Single(outcomes.Select(o => o.Session.Id).Distinct());
        Assert.Single(outcomes, o => !o.Resumed);
        var active = await b.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First()), T0, StaleAfter, Ct);
        Assert.Equal(1, active.Total);
    }

    [Fact]
    public async Task Dispose_WithWritesQueued_CommitsThemBeforeClosing()
    {
        var store = await OpenStoreAsync();
        var venture = Some.Venture();
        await store.UpsertVenturesAsync([venture], Ct);
        var handoffs = Enumerable.Range(0, 50).Select(_ => Some.Handoff(venture.Code, T0)).ToList();

        var writes = handoffs.Select(h => store.InsertHandoffAsync(h, Ct)).ToList();
        await store.DisposeAsync();

        await Task.WhenAll(writes);
        var reopened = await OpenStoreAsync();
        var listed = await reopened.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First(200)), Ct);
        Assert.Equal(50, listed.Total);
    }

    [Fact]
    public async Task Reopen_AfterDispose_ReadsBackEverythingWritten()
    {
        var first = await OpenStoreAsync();
        var venture = Some.Venture();
        await first.UpsertVenturesAsync([venture], Ct);
        var session = Some.Session(venture.Code, T0);
        await first.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var handoff = Some.Handoff(venture.Code, T0, sessionId: session.Id);
        await first.EndSessionAsync(session.Id, handoff, T0.AddMinutes(5), StaleAfter, Ct);
        var key = Some.ApiKey(T0, KeyRole.Admin);
        await first.InsertApiKeyAsync(key, Ct);
        await first.DisposeAsync();

        var second = await OpenStoreAsync();

        Assert.Equal(venture.Name, (await second.FindVentureOrNullAsync(venture.Code, Ct))?.Name);
        Assert.Equal(SessionStatus.Ended, (await second.FindSessionOrNullAsync(session.Id, T0.AddMinutes(5), StaleAfter, Ct))?.Status);
        Assert.Equal(handoff, await second.FindHandoffOrNullAsync(handoff.Id, Ct));
        Assert.Equal(key, await second.FindApiKeyByHashOrNullAsync(key.KeyHash, Ct));
    }

    [Fact]
    public async Task Methods_AfterDispose_ThrowObjectDisposed()
    {
        var store = await OpenStoreAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListVenturesAsync(Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.UpsertVenturesAsync([Some.Venture()], Ct));
    }
}
