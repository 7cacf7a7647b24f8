namespace Baton.Core.Orchestration.Agents;

/// <summary>Which agent CLI an agent runs (the Workers issue starts it headless).</summary>
public enum AgentCli { Claude, Gemini, Codex, Custom }

/// <summary>
/// One thing an agent can do and how well: <see cref="Weight"/> (0–1) is the prior the scoring multiplies
/// (docs/architecture.md §14); <see cref="Requirements"/> name health checks that must pass for the agent
/// to be given this capability's tasks (a requirement that fails makes dependency health 0).
/// </summary>
public sealed record AgentCapability(string Name, double Weight, bool Preferred, IReadOnlyList<string> Requirements);

/// <summary>
/// How a requirement is checked: an http(s) <see cref="Url"/> the server probes (2xx within 5 s is healthy, see
/// <see cref="HealthProbes"/>), or a <see cref="Command"/> the agent's worker runs and reports. Exactly one of the
/// two is set.
/// </summary>
public sealed record HealthCheck(string Requirement, string? Url, string? Command);

/// <summary>The last result of one requirement's health check, as probed by the server or reported by the worker.</summary>
public sealed record HealthResult(string Requirement, bool Healthy, DateTimeOffset CheckedAt, string? Detail);

/// <summary>
/// An agent of the registry (<c>agent_…</c>): a CLI on a machine with what it can do. The name is the identity:
/// registering the same name again updates the agent and keeps its id, so its result history (what scoring reads)
/// survives a worker's restart. Status is never stored; <see cref="AgentRules.StatusAt"/> judges it on read.
/// </summary>
/// <param name="MachineId">The <c>mach_…</c> it runs on; null when not tied to a machine (then it gets only tasks without a repo).</param>
/// <param name="LastHeartbeatAt">Registration, heartbeat or long poll, whichever was last.</param>
/// <param name="PausedUntil">Not given tasks before this time (rate limits, a person's pause); null when not paused.</param>
/// <param name="RemovedAt">Deregistered; kept so its history and score cards stay readable. Registering the name again revives it.</param>
public sealed record Agent(
    string Id,
    string Name,
    string? MachineId,
    AgentCli Cli,
    IReadOnlyList<AgentCapability> Capabilities,
    IReadOnlyList<HealthCheck> HealthChecks,
    int MaxConcurrency,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset? PausedUntil,
    string? PauseReason,
    DateTimeOffset? RemovedAt,
    string? ActorKeyId)
{
    public AgentCapability? Capability(string name) => Capabilities.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// A clone of a repo on a machine: which machines can work on which repo. Reported by <c>baton fleet register</c> and
/// by workers from their repo roots; keyed on (machine, repo).
/// </summary>
public sealed record RepoContext(
    string MachineId,
    string Repo,
    string LocalPath,
    string? DefaultBranch,
    DateTimeOffset? LastFetchedAt,
    DateTimeOffset ReportedAt);
