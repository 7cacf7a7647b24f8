using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// What a SOD costs the database in round trips (decisions/0015-briefing-from-one-snapshot.md): the venture, then SOD's
/// lock and read, then its write, COMMIT and every briefing read in one batch — and the schema hash read from the
/// catalog only when the schema changed. Counted by the store itself (<see cref="PostgresStoreStatistics.RoundTrips"/>).
/// </summary>
public sealed class BriefingRoundTripTests : IAsyncLifetime
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private readonly ManualClock _clock = new(Some.T0);
    private PostgresBatonStore _store = null!;
    private string _schema = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() => (_store, _schema) = await TestDatabase.OpenStoreAsync(Ct);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await TestDatabase.DropSchemaAsync(_schema);
        _timeout.Dispose();
    }

    [Fact]
    public async Task Sod_NewAndResumed_TakeThreeRoundTripsEachPlusTheQueuesTwo()
    {
        var venture = Some.Venture();
        await _store.UpsertVenturesAsync([venture], Ct);
        await _store.InsertHandoffAsync(Some.Handoff(venture.Code, Some.T0, repo: $"{venture.Org}/{venture.Repos[0]}"), Ct);
        var sessions = Services().Sessions;
        // The first SOD of a process derives the expected schema hash and hashes the live schema once.
        await sessions.SodAsync(Sod(venture, "warm-up"), Ct);

        var created = await RoundTripsOfAsync(() => sessions.SodAsync(Sod(venture, "agent-a"), Ct));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var resumed = await RoundTripsOfAsync(() => sessions.SodAsync(Sod(venture, "agent-a"), Ct));

        Assert.False(created.Result.Resumed);
        Assert.True(resumed.Result.Resumed);
        Assert.Equal(1, resumed.Result.ActiveSessions.Total);
        Assert.NotNull(resumed.Result.LastHandoff);
        // Three for SOD's write and the briefing's one snapshot; two more for the task queue's counts and the caller's
        // agent, which the Orchestrator's briefing section reads after the snapshot (not folded into it yet: issue 13's
        // "≤ 3 round trips" is missed by these two until it is).
        Assert.Equal((3 + QueueRoundTrips, 3 + QueueRoundTrips), (created.RoundTrips, resumed.RoundTrips));
    }

    /// <summary>The briefing's queue read outside the snapshot: the venture's task counts, then the caller's agent by name.</summary>
    private const int QueueRoundTrips = 2;

    [Fact]
    public async Task ReadBriefingSources_SchemaUnchanged_IsOneRoundTrip_AndASchemaChangeIsStillSeen()
    {
        var venture = Some.Venture();
        await _store.UpsertVenturesAsync([venture], Ct);
        var sessions = Services().Sessions;
        await sessions.SodAsync(Sod(venture, "warm-up"), Ct);
        var check = await _store.CheckSchemaAsync(Ct);

        var before = _store.Statistics.RoundTrips;
        var sod = await sessions.SodAsync(Sod(venture, "agent-b"), Ct);
        var unchanged = _store.Statistics.RoundTrips - before;
        await AlterAsync("ALTER TABLE alerts ADD COLUMN sneaky text");
        var drifted = await _store.CheckSchemaAsync(Ct);
        await AlterAsync("ALTER TABLE alerts DROP COLUMN sneaky");
        var restored = await _store.CheckSchemaAsync(Ct);

        Assert.Equal(3 + QueueRoundTrips, unchanged);
        Assert.Contains("Briefing health", sod.Briefing);
        Assert.True(check.Matches);
        Assert.False(drifted.Matches);
        Assert.NotEqual(check.LiveHash, drifted.LiveHash);
        Assert.True(restored.Matches);
    }

    private BatonServices Services()
    {
        var core = new BatonCore(_clock, new Random(7), new IdGenerator(_clock), new CoreOptions { StaleAfter = StaleAfter });
        return new BatonServiceFactory(_store, _store, _store, _store, _store, _store, _store, _store, new OrchestrationOptions(), new OrchestrationSignals(), _store, _store, core).For(Caller.Local(IdGenerator.NewCorrelationId()));
    }

    private static SodRequest Sod(Core.Ventures.Venture venture, string agent) =>
        new(agent, venture.Code, venture.Repos[0], Branch: "main");

    private async Task<(T Result, long RoundTrips)> RoundTripsOfAsync<T>(Func<Task<T>> call)
    {
        var before = _store.Statistics.RoundTrips;
        var result = await call();
        return (result, _store.Statistics.RoundTrips - before);
    }

    private async Task AlterAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { SearchPath = _schema };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
