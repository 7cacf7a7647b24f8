using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Probes the agents' URL health checks (docs/architecture.md §14 "Health checks"): every
/// <see cref="OrchestrationOptions.HealthProbeInterval"/> (30 s) a round asks the store which checks are due
/// (<see cref="IOrchestrationStore.RunHealthProbesAsync"/>: one round at a time across replicas), GETs each URL — all
/// at once, each within <see cref="OrchestrationOptions.HealthProbeTimeout"/> (5 s) — and the store records the results
/// as the agents' latest, exactly as a worker's report of a command check is recorded, so dispatch scoring reads them
/// (an unhealthy requirement makes dependency health 0). A 2xx answer is healthy; any other status, a refused
/// connection or no answer in time is not. A result that is healthy wakes the dispatcher (tasks may have waited for
/// it), as a healthy report does. A failed round is logged and the next one tries again.
/// </summary>
internal sealed class HealthProbeService(
    IOrchestrationStore store,
    OrchestrationOptions options,
    OrchestrationSignals signals,
    TimeProvider clock,
    ILogger<HealthProbeService> logger) : BackgroundService
{
    // One client for every probe: connections are reused between rounds, and renewed every few minutes so a health
    // endpoint that moved (DNS) is followed.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.HealthProbeInterval == TimeSpan.Zero) return; // this process probes nothing (BATON_HEALTH_PROBE_SECONDS=0)
        using var timer = new PeriodicTimer(options.HealthProbeInterval, clock);
        try
        {
            do
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(error, "The health-probe round failed; trying again in {Interval}", options.HealthProbeInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round at the clock's now (the tests drive it directly with a manual clock).</summary>
    internal async Task<HealthProbeRound> RunRoundAsync(CancellationToken ct)
    {
        var now = Timestamp.TruncateToMilliseconds(clock.GetUtcNow());
        var round = await store.RunHealthProbesAsync(now, options.HealthProbeInterval, (due, token) => ProbeAllAsync(due, now, token), ct);
        if (round.Recorded.Any(r => r.Result.Healthy)) signals.DispatchNeeded();
        foreach (var failed in round.Recorded.Where(r => !r.Result.Healthy))
            logger.LogInformation("Health check {Requirement} of agent {Agent} failed: {Detail}", failed.Result.Requirement, failed.AgentId, failed.Result.Detail);
        return round;
    }

    private async Task<IReadOnlyList<ProbedHealth>> ProbeAllAsync(IReadOnlyList<HealthProbe> due, DateTimeOffset now, CancellationToken ct) =>
        await Task.WhenAll(due.Select(probe => ProbeAsync(probe, now, ct)));

    private async Task<ProbedHealth> ProbeAsync(HealthProbe probe, DateTimeOffset now, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(options.HealthProbeTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, probe.Url);
            // Headers are the answer: the body of a health endpoint is not read.
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return HealthProbes.Answered(probe, (int)response.StatusCode, now);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthProbes.Failed(probe, $"no answer within {options.HealthProbeTimeout.TotalSeconds:0.###} s", now);
        }
        catch (Exception error) when (error is HttpRequestException or InvalidOperationException)
        {
            // Refused, unreachable, a bad TLS handshake, or a URL HttpClient will not send (validated as http(s) at registration).
            return HealthProbes.Failed(probe, error.Message, now);
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
