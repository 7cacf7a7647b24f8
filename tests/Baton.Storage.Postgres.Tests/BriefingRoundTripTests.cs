using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;
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
    public async Task Sod_NewAndResumed_TakeThreeRoundTripsEach_WithTheCallersTasksInTheBriefing()
    {
        var venture = Some.Venture();
        await _store.UpsertVenturesAsync([venture], Ct);
        await _store.InsertHandoffAsync(Some.Handoff(venture.Code, Some.T0, repo: $"{venture.Org}/{venture.Repos[0]}"), Ct);
        // The caller is a registered agent with a task assigned to it, so the briefing's "Your tasks" lists it.
        var agent = (await _store.UpsertAgentAsync(SomeTasks.Agent(Some.T0, name: "agent-a"), Ct)).Agent;
        var task = await _store.InsertTaskAsync(SomeTasks.Task(Some.T0, venture.Code), "creator-key", Ct);
        await _store.DispatchAsync(new DispatchPass(Some.T0, LeaseTimes.Default, ProbeRule.Default, AgentRules.DefaultOfflineAfter, 256), Ct);
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
        Assert.Equal(agent.Id, (await _store.FindTaskOrNullAsync(task.Id, Ct))!.AssignedAgent);
        Assert.Contains("## Your tasks", resumed.Result.Briefing);
        Assert.Contains(task.Id, resumed.Result.Briefing);
        // The venture, SOD's lock and read, then its write, COMMIT and every briefing read (the queue's included).
        Assert.Equal((3, 3), (created.RoundTrips, resumed.RoundTrips));
    }

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

        Assert.Equal(3, unchanged);
        Assert.Contains("Briefing health", sod.Briefing);
        Assert.True(check.Matches);
        Assert.False(drifted.Matches);
        Assert.NotEqual(check.LiveHash, drifted.LiveHash);
        Assert.True(restored.Matches);
    }

    private BatonServices Services()
    {
        var core = new BatonCore(_clock, new Random(7), new IdGenerator(_clock), new CoreOptions { StaleAfter = StaleAfter });
        return new BatonServiceFactory(_store, _store, _store, _store, _store, _store, _store, _store, _store, new OrchestrationOptions(), new OrchestrationSignals(), _store, _store, _store, _store, new Baton.Local.GitHub.GitHubCli("gh"), core).For(Caller.Local(IdGenerator.NewCorrelationId()));
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
