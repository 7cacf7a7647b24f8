using Baton.Core.Common;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Storage.Contract;
using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// The PostgreSQL heartbeat writer: concurrent heartbeats share one statement and one commit, and every heartbeat of a
/// batch still gets its own answer — touched, not found, not active, or its own error.
/// </summary>
public sealed class HeartbeatWriterTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    private static readonly DateTimeOffset T0 = Some.T0;
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private PostgresBatonStore _store = null!;
    private string _schema = null!;
    private string _connectionString = null!;
    private Venture _venture = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        (_schema, _connectionString) = await TestDatabase.CreateSchemaAsync(Ct);
        _store = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = _connectionString });
        await _store.InitializeAsync(Ct);
        _venture = Some.Venture();
        await _store.UpsertVenturesAsync([_venture], Ct);
    }

    /// <summary>
    /// Replaces the store with one that sends one batch at a time (same schema), so a test holding that batch knows
    /// every heartbeat it queues meanwhile goes into the next one.
    /// </summary>
    private async Task UseOneBatchAtATimeAsync()
    {
        await _store.DisposeAsync();
        _store = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = _connectionString, HeartbeatBatchesInFlight = 1 });
        await _store.InitializeAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await TestDatabase.DropSchemaAsync(_schema);
        _timeout.Dispose();
    }

    [Fact]
    public async Task TouchSession_ManyConcurrentHeartbeats_ShareCommitsAndEachIsTouched()
    {
        var sessions = await SeedAsync(Enumerable.Range(0, 100).Select(_ => Some.Session(_venture.Code, T0)));
        var now = T0.AddMinutes(10);
        var before = _store.Statistics;

        var outcomes = await Task.WhenAll(sessions.Select(s => Task.Run(() => _store.TouchSessionAsync(s.Id, null, now, StaleAfter, Ct))));

        var after = _store.Statistics;
        Assert.All(outcomes, o => Assert.Equal(TouchResult.Touched, o.Result));
        Assert.Equal(sessions.Select(s => s.Id).Order(), outcomes.Select(o => o.Session!.Id).Order());
        Assert.All(outcomes, o => Assert.Equal(now, o.Session!.LastHeartbeatAt));
        Assert.Equal(100, after.OpCount - before.OpCount);
        Assert.True(after.CommitCount - before.CommitCount < 100, $"{after.CommitCount - before.CommitCount} commits for 100 heartbeats");
        foreach (var session in sessions)
            Assert.Equal(now, (await _store.FindSessionOrNullAsync(session.Id, now, StaleAfter, Ct))!.LastHeartbeatAt);
    }

    [Fact]
    public async Task TouchSession_StaleEndedAndMissingInOneBatchWithFreshOnes_EachGetsItsOwnAnswer()
    {
        var now = T0.AddHours(2);
        var held = Some.Session(_venture.Code, now.AddMinutes(-1));
        var fresh1 = Some.Session(_venture.Code, now.AddMinutes(-5));
        var fresh2 = Some.Session(_venture.Code, now.AddMinutes(-44));
        var stale = Some.Session(_venture.Code, now.AddMinutes(-46));
        var ended = Some.Session(_venture.Code, now.AddMinutes(-3)) with
        {
            Status = SessionStatus.Ended, EndReason = EndReason.Manual, EndedAt = now.AddMinutes(-2),
        };
        await UseOneBatchAtATimeAsync();
        await SeedAsync([held, fresh1, fresh2, stale, ended]);
        var missingId = Some.Id(IdGenerator.Session);

        // Hold the writer inside one batch (its UPDATE waits on a row lock taken here), so the next heartbeats queue up
        // together and share the following batch.
        await using var locker = new NpgsqlConnection(_connectionString);
        await locker.OpenAsync(Ct);
        await using var lockTransaction = await locker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = @id FOR UPDATE", locker, lockTransaction))
        {
            lockRow.Parameters.AddWithValue("id", held.Id);
            await lockRow.ExecuteNonQueryAsync(Ct);
        }
        var before = _store.Statistics;
        var first = _store.TouchSessionAsync(held.Id, null, now, StaleAfter, Ct);
        await WaitUntilBlockedByAsync(locker);
        var queued = new[] { fresh1.Id, stale.Id, ended.Id, missingId, fresh2.Id }
            .Select(id => _store.TouchSessionAsync(id, null, now, StaleAfter, Ct)).ToList();
        await WaitUntilAsync(() => _store.QueuedHeartbeats == queued.Count);
        Assert.False(first.IsCompleted);
        await lockTransaction.CommitAsync(Ct);

        Assert.Equal(TouchResult.Touched, (await first).Result);
        var outcomes = await Task.WhenAll(queued);
        var after = _store.Statistics;

        Assert.Equal(TouchResult.Touched, outcomes[0].Result);
        Assert.Equal(now, outcomes[0].Session!.LastHeartbeatAt);
        Assert.Equal(TouchResult.NotActive, outcomes[1].Result);
        Assert.Equal(SessionStatus.Abandoned, outcomes[1].Session!.Status);
        Assert.Equal(EndReason.Stale, outcomes[1].Session!.EndReason);
        Assert.Equal(TouchResult.NotActive, outcomes[2].Result);
        Assert.Equal(ended, outcomes[2].Session); // untouched: an ended session keeps its last heartbeat
        Assert.Equal(TouchResult.NotFound, outcomes[3].Result);
        Assert.Null(outcomes[3].Session);
        Assert.Equal(TouchResult.Touched, outcomes[4].Result);
        Assert.Equal(now, outcomes[4].Session!.LastHeartbeatAt);
        // The held batch, then one batch for all five queued heartbeats; only the three fresh ones were touched by batches.
        Assert.Equal(2, after.CommitCount - before.CommitCount);
        Assert.Equal(3, after.OpCount - before.OpCount);
        Assert.Equal(stale.LastHeartbeatAt, (await _store.FindSessionOrNullAsync(stale.Id, now, StaleAfter, Ct))!.LastHeartbeatAt);
    }

    [Fact]
    public async Task TouchSession_WhenOneHeartbeatBreaksTheBatch_OnlyThatOneFailsAndTheOthersAreTouched()
    {
        var now = T0.AddMinutes(5);
        var held = Some.Session(_venture.Code, T0);
        var fresh1 = Some.Session(_venture.Code, T0);
        var fresh2 = Some.Session(_venture.Code, T0);
        await UseOneBatchAtATimeAsync();
        await SeedAsync([held, fresh1, fresh2]);

        await using var locker = new NpgsqlConnection(_connectionString);
        await locker.OpenAsync(Ct);
        await using var lockTransaction = await locker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = @id FOR UPDATE", locker, lockTransaction))
        {
            lockRow.Parameters.AddWithValue("id", held.Id);
            await lockRow.ExecuteNonQueryAsync(Ct);
        }
        var before = _store.Statistics;
        var first = _store.TouchSessionAsync(held.Id, null, now, StaleAfter, Ct);
        await WaitUntilBlockedByAsync(locker);
        // PostgreSQL text cannot hold a NUL character: this id makes the whole batch statement fail.
        var good1 = _store.TouchSessionAsync(fresh1.Id, null, now, StaleAfter, Ct);
        var bad = _store.TouchSessionAsync("sess_\0broken", null, now, StaleAfter, Ct);
        var good2 = _store.TouchSessionAsync(fresh2.Id, null, now, StaleAfter, Ct);
        await WaitUntilAsync(() => _store.QueuedHeartbeats == 3);
        await lockTransaction.CommitAsync(Ct);

        Assert.Equal(TouchResult.Touched, (await first).Result);
        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        Assert.Equal(TouchResult.Touched, (await good1).Result);
        Assert.Equal(TouchResult.Touched, (await good2).Result);
        // Only the held batch committed; the failed batch's heartbeats were each run alone.
        var after = _store.Statistics;
        Assert.Equal((1L, 1L), (after.CommitCount - before.CommitCount, after.OpCount - before.OpCount));
        Assert.Equal(now, (await _store.FindSessionOrNullAsync(fresh1.Id, now, StaleAfter, Ct))!.LastHeartbeatAt);
        Assert.Equal(now, (await _store.FindSessionOrNullAsync(fresh2.Id, now, StaleAfter, Ct))!.LastHeartbeatAt);
    }

    [Fact]
    public async Task TouchSession_SameSessionFromManyCallersAtOnce_EveryOneIsTouched()
    {
        var session = (await SeedAsync([Some.Session(_venture.Code, T0)]))[0];

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => _store.TouchSessionAsync(session.Id, null, T0.AddSeconds(i + 1), StaleAfter, Ct))));

        Assert.All(outcomes, o => Assert.Equal(TouchResult.Touched, o.Result));
        Assert.All(outcomes, o => Assert.Equal(SessionStatus.Active, o.Session!.Status));
    }

    [Fact]
    public async Task TouchSession_ManyConcurrentKeyedHeartbeats_ShareCommitsAndEachRecordHoldsItsHeartbeat()
    {
        var sessions = await SeedAsync(Enumerable.Range(0, 50).Select(_ => Some.Session(_venture.Code, T0)));
        var now = T0.AddMinutes(10);
        var scopes = sessions.ToDictionary(s => s.Id, _ => KeyedScope(now));
        var before = _store.Statistics;

        var outcomes = await Task.WhenAll(sessions.Select(s => Task.Run(async () =>
        {
            using (IdempotencyScope.Enter(scopes[s.Id])) return await _store.TouchSessionAsync(s.Id, null, now, StaleAfter, Ct);
        })));

        var after = _store.Statistics;
        Assert.All(outcomes, o => Assert.Equal(TouchResult.Touched, o.Result));
        Assert.All(outcomes, o => Assert.Equal(now, o.Session!.LastHeartbeatAt));
        Assert.Equal(50, after.OpCount - before.OpCount); // every keyed heartbeat went through a batch
        Assert.True(after.CommitCount - before.CommitCount < 50, $"{after.CommitCount - before.CommitCount} commits for 50 heartbeats");

        // Each record holds its heartbeat's result: a retry (same key and request, later) is answered from it and
        // touches nothing.
        var retryAt = now.AddMinutes(1);
        foreach (var (session, outcome) in sessions.Zip(outcomes))
        {
            var record = await _store.FindIdempotencyAsync(scopes[session.Id].Key, retryAt, Ct);
            Assert.Single(record!.Writes);
            var retry = new IdempotencyScope(scopes[session.Id].Key, scopes[session.Id].RequestHash, retryAt, retryAt.AddHours(1));
            using (IdempotencyScope.Enter(retry))
                Assert.Equal(outcome, await _store.TouchSessionAsync(session.Id, null, retryAt, StaleAfter, Ct));
            Assert.Equal(now, (await _store.FindSessionOrNullAsync(session.Id, retryAt, StaleAfter, Ct))!.LastHeartbeatAt);
        }
    }

    [Fact]
    public async Task TouchSession_KeyedInOneBatchWithMissingAndTakenKeys_EachGetsItsOwnAnswerAndRecord()
    {
        var now = T0.AddMinutes(10);
        var held = Some.Session(_venture.Code, T0);
        var fresh = Some.Session(_venture.Code, T0);
        var unkeyed = Some.Session(_venture.Code, T0);
        var other = Some.Session(_venture.Code, T0);
        await UseOneBatchAtATimeAsync();
        await SeedAsync([held, fresh, unkeyed, other]);
        var missingId = Some.Id(IdGenerator.Session);
        // A key another request already used: this heartbeat must be refused, and nothing of it written.
        var taken = KeyedScope(now);
        await _store.CompleteIdempotencyAsync(new IdempotencyScope(taken.Key, "another-request", now, now.AddHours(1)),
            new StoredResponse(200, "application/json", "{}"u8.ToArray(), null, null), Ct);

        await using var locker = new NpgsqlConnection(_connectionString);
        await locker.OpenAsync(Ct);
        await using var lockTransaction = await locker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = @id FOR UPDATE", locker, lockTransaction))
        {
            lockRow.Parameters.AddWithValue("id", held.Id);
            await lockRow.ExecuteNonQueryAsync(Ct);
        }
        var before = _store.Statistics;
        var first = _store.TouchSessionAsync(held.Id, null, now, StaleAfter, Ct);
        await WaitUntilBlockedByAsync(locker);
        var freshScope = KeyedScope(now);
        var missingScope = KeyedScope(now);
        var queued = new[] { (fresh.Id, (IdempotencyScope?)freshScope), (missingId, missingScope), (unkeyed.Id, null), (other.Id, taken) }
            .Select(q => Keyed(q.Item2, () => _store.TouchSessionAsync(q.Item1, null, now, StaleAfter, Ct))).ToList();
        await WaitUntilAsync(() => _store.QueuedHeartbeats == queued.Count);
        await lockTransaction.CommitAsync(Ct);

        Assert.Equal(TouchResult.Touched, (await first).Result);
        Assert.Equal(TouchResult.Touched, (await queued[0]).Result);
        Assert.Equal(TouchResult.NotFound, (await queued[1]).Result);
        Assert.Equal(TouchResult.Touched, (await queued[2]).Result);
        var refused = await Assert.ThrowsAsync<BatonException>(() => queued[3]);
        Assert.Equal(ErrorCodes.IdempotencyKeyReused, refused.Code);
        var after = _store.Statistics;
        // The held batch, then one for the four queued: it touched the fresh keyed one and the unkeyed one.
        Assert.Equal(2, after.CommitCount - before.CommitCount);
        Assert.Equal(3, after.OpCount - before.OpCount);

        Assert.Equal(JsonOf(await queued[0]), Assert.Single((await _store.FindIdempotencyAsync(freshScope.Key, now, Ct))!.Writes).Result);
        // The missing session's heartbeat ran alone under its key: one write recorded (not found), not two.
        Assert.Equal(JsonOf(await queued[1]), Assert.Single((await _store.FindIdempotencyAsync(missingScope.Key, now, Ct))!.Writes).Result);
        Assert.Equal("another-request", (await _store.FindIdempotencyAsync(taken.Key, now, Ct))!.RequestHash);
        Assert.Equal(T0, (await _store.FindSessionOrNullAsync(other.Id, now, StaleAfter, Ct))!.LastHeartbeatAt);
    }

    private static IdempotencyScope KeyedScope(DateTimeOffset now) =>
        new(new IdempotencyKey("/v1/sessions/{id}/heartbeat", "actor-1", Guid.NewGuid().ToString("N")), "hash-" + Guid.NewGuid().ToString("N"), now, now.AddHours(1));

    private static Task<T> Keyed<T>(IdempotencyScope? scope, Func<Task<T>> write)
    {
        if (scope is null) return write();
        using (IdempotencyScope.Enter(scope)) return write();
    }

    private static string JsonOf(TouchOutcome outcome) => System.Text.Json.JsonSerializer.Serialize(outcome, BatonJson.Options);

    private async Task<List<Session>> SeedAsync(IEnumerable<Session> sessions)
    {
        var list = sessions.ToList();
        foreach (var session in list) await _store.SeedSessionAsync(session, Ct);
        return list;
    }

    /// <summary>Waits until a statement of the store waits on a lock <paramref name="locker"/> holds: the writer is inside its batch.</summary>
    private async Task WaitUntilBlockedByAsync(NpgsqlConnection locker)
    {
        await using var watcher = new NpgsqlConnection(_connectionString);
        await watcher.OpenAsync(Ct);
        await using var blocked = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE @locker = ANY(pg_blocking_pids(pid))", watcher);
        blocked.Parameters.AddWithValue("locker", locker.ProcessID);
        while ((long)(await blocked.ExecuteScalarAsync(Ct))! == 0) await Task.Yield();
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            Ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
