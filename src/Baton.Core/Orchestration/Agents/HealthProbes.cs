namespace Baton.Core.Orchestration.Agents;

/// <summary>One URL health check the server is to probe now: the agent, its requirement and the URL.</summary>
public sealed record HealthProbe(string AgentId, string AgentName, string Requirement, string Url);

/// <summary>What one probe found, kept as the agent's latest result for the requirement (as a worker's report is).</summary>
public sealed record ProbedHealth(string AgentId, HealthResult Result);

/// <summary>
/// Which URL health checks are due and how an answer is judged (docs/architecture.md §14 "Health checks"). Pure: the
/// server's probe service does the HTTP and passes what it saw in.
/// </summary>
public static class HealthProbes
{
    /// <summary>The longest detail kept with a result, as for a worker's report.</summary>
    public const int MaxDetailLength = 500;

    /// <summary>
    /// Every URL check of an agent not removed whose requirement's latest result is missing or at least
    /// <paramref name="interval"/> old at <paramref name="now"/>, in agent id then requirement order. The age is judged
    /// on the stored result, whoever wrote it: a round right after another replica's (or a worker's report) finds the
    /// check fresh and leaves it, so several replicas do not probe one URL more often than once an interval.
    /// Command checks are the worker's to run and report; they are never due here.
    /// </summary>
    public static IReadOnlyList<HealthProbe> Due(IReadOnlyList<Agent> agents, IReadOnlyDictionary<string, IReadOnlyList<HealthResult>> health,
        DateTimeOffset now, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(health);
        var due = new List<HealthProbe>();
        foreach (var agent in agents.Where(a => a.RemovedAt is null).OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var results = health.TryGetValue(agent.Id, out var found) ? found : [];
            foreach (var check in agent.HealthChecks.Where(c => c.Url is not null).OrderBy(c => c.Requirement, StringComparer.Ordinal))
            {
                var latest = results.FirstOrDefault(r => string.Equals(r.Requirement, check.Requirement, StringComparison.Ordinal));
                if (latest is null || now - latest.CheckedAt >= interval) due.Add(new HealthProbe(agent.Id, agent.Name, check.Requirement, check.Url!));
            }
        }
        return due;
    }

    /// <summary>A 2xx answer is healthy; any other status is not, and the detail says which (<c>HTTP 500</c>).</summary>
    public static ProbedHealth Answered(HealthProbe probe, int status, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var healthy = status is >= 200 and < 300;
        return new ProbedHealth(probe.AgentId, new HealthResult(probe.Requirement, healthy, checkedAt, healthy ? null : $"HTTP {status} from {probe.Url}"));
    }

    /// <summary>No answer (refused, unreachable, timed out): unhealthy, the detail saying why, cut to <see cref="MaxDetailLength"/>.</summary>
    public static ProbedHealth Failed(HealthProbe probe, string why, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(why);
        var detail = $"no answer from {probe.Url}: {why}";
        if (detail.Length > MaxDetailLength)
        {
            var keep = MaxDetailLength - 1;
            if (char.IsHighSurrogate(detail[keep - 1])) keep--;
            detail = detail[..keep] + "…";
        }
        return new ProbedHealth(probe.AgentId, new HealthResult(probe.Requirement, false, checkedAt, detail));
    }
}
