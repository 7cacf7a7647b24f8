using System.Collections.Concurrent;
using System.Net;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;
using Baton.Hosting;
using Baton.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Baton.Server.Tests;

/// <summary>
/// The server probes agents' URL health checks (docs/architecture.md §14 "Health checks"): a real health endpoint on
/// loopback (Kestrel) answers 200, then 500; each probe round is driven directly at a manual clock's time, and what
/// it records is what dispatch scoring reads.
/// </summary>
public sealed class HealthProbeServiceTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private readonly TempDirectory _dataDir = new();
    private readonly ManualClock _clock = new(Some.T0);
    private readonly ConcurrentQueue<int> _answers = new();
    private int _requests;
    private WebApplication _endpoint = null!;
    private SqliteBatonStore _store = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _endpoint = builder.Build();
        _endpoint.MapGet("/healthz", () =>
        {
            Interlocked.Increment(ref _requests);
            return Results.StatusCode(_answers.TryDequeue(out var status) ? status : 503);
        });
        await _endpoint.StartAsync(Ct);
        _store = SqliteBatonStore.Open(SqliteStoreOptions.ForDataDirectory(_dataDir.Path));
        await _store.InitializeAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _endpoint.DisposeAsync();
        _dataDir.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task RunRound_EndpointAnswers200Then500_RecordsHealthyThenUnhealthy_AndDispatchFollowsIt()
    {
        var url = $"{_endpoint.Urls.Single()}/healthz";
        var argocd = await RegisterAsync(SomeTasks.Agent(Some.T0, weight: 0.9, name: Some.Name("argocd-deployer"), requirements: ["argocd-healthy"])
            with { HealthChecks = [new HealthCheck("argocd-healthy", url, null)] });
        var kubectl = await RegisterAsync(SomeTasks.Agent(Some.T0, weight: 0.7, name: Some.Name("kubectl-deployer")));
        var signals = new OrchestrationSignals();
        using var service = new HealthProbeService(_store, new OrchestrationOptions(), signals, _clock, NullLogger<HealthProbeService>.Instance);
        _answers.Enqueue(200);
        _answers.Enqueue(500);

        var healthy = await service.RunRoundAsync(Ct);
        var woke = await signals.WaitForDispatchAsync(TimeSpan.Zero, _clock, Ct);
        var first = await AddAndDispatchAsync();
        _clock.Advance(TimeSpan.FromSeconds(30));
        var failing = await service.RunRoundAsync(Ct);
        var second = await AddAndDispatchAsync();
        _clock.Advance(TimeSpan.FromSeconds(10));
        var early = await service.RunRoundAsync(Ct);

        Assert.Equal([new ProbedHealth(argocd.Id, new HealthResult("argocd-healthy", true, Some.T0, null))], healthy.Recorded);
        Assert.True(woke);
        Assert.Equal(argocd.Id, first.AssignedAgent);
        Assert.Equal([new ProbedHealth(argocd.Id, new HealthResult("argocd-healthy", false, Some.T0.AddSeconds(30), $"HTTP 500 from {url}"))], failing.Recorded);
        Assert.Equal(new HealthResult("argocd-healthy", false, Some.T0.AddSeconds(30), $"HTTP 500 from {url}"),
            (await _store.GetAgentLoadsAsync([argocd.Id], Ct))[argocd.Id].Health.Single());
        // Dependency health 0: the better-weighted agent is passed over while its check fails.
        Assert.Equal(kubectl.Id, second.AssignedAgent);
        Assert.Equal((true, 0), (early.Ran, early.Recorded.Count));
        Assert.Equal(2, Volatile.Read(ref _requests));
    }

    [Fact]
    public async Task RunRound_NothingListening_RecordsUnhealthyWithTheReason()
    {
        // A port that was just free: nothing answers there.
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var url = $"http://127.0.0.1:{port}/healthz";
        var agent = await RegisterAsync(SomeTasks.Agent(Some.T0, requirements: ["argocd-healthy"]) with { HealthChecks = [new HealthCheck("argocd-healthy", url, null)] });
        using var service = new HealthProbeService(_store, new OrchestrationOptions(), new OrchestrationSignals(), _clock, NullLogger<HealthProbeService>.Instance);

        var round = await service.RunRoundAsync(Ct);

        var result = round.Recorded.Single();
        Assert.Equal((agent.Id, false), (result.AgentId, result.Result.Healthy));
        Assert.StartsWith($"no answer from {url}: ", result.Result.Detail);
        Assert.False((await _store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id].Health.Single().Healthy);
    }

    [Fact]
    public async Task Execute_IntervalZero_ProbesNothingAndEndsAtOnce()
    {
        var agent = await RegisterAsync(SomeTasks.Agent(Some.T0, requirements: ["argocd-healthy"]) with
        {
            HealthChecks = [new HealthCheck("argocd-healthy", $"{_endpoint.Urls.Single()}/healthz", null)],
        });
        using var service = new HealthProbeService(_store, new OrchestrationOptions { HealthProbeInterval = TimeSpan.Zero }, new OrchestrationSignals(), _clock,
            NullLogger<HealthProbeService>.Instance);

        await service.StartAsync(Ct);
        await service.ExecuteTask!.WaitAsync(TestTimeouts.Default, Ct);

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(0, Volatile.Read(ref _requests));
        Assert.Empty((await _store.GetAgentLoadsAsync([agent.Id], Ct))[agent.Id].Health);
    }

    private async Task<Agent> RegisterAsync(Agent agent) => (await _store.UpsertAgentAsync(agent, Ct)).Agent;

    private async Task<BatonTask> AddAndDispatchAsync()
    {
        var now = _clock.GetUtcNow();
        var task = await _store.InsertTaskAsync(SomeTasks.Task(now), "creator-key", Ct);
        var options = new OrchestrationOptions();
        await _store.DispatchAsync(new DispatchPass(now, options.Leases, options.Probe, options.OfflineAfter, options.DispatchBatch), Ct);
        return (await _store.FindTaskOrNullAsync(task.Id, Ct))!;
    }
}
