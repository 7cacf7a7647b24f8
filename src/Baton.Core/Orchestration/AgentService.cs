using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Orchestration;

/// <summary>
/// Local implementation of <see cref="IAgentService"/>. Agents are shared by the fleet (like machines): any key may
/// register, heartbeat, pause and report health; deregistering needs an admin key. A venture-scoped key's long poll
/// only answers that venture's tasks.
/// </summary>
internal sealed partial class AgentService(
    IOrchestrationStore store,
    IFleetStore machines,
    BatonCore core,
    OrchestrationOptions options,
    OrchestrationSignals signals,
    Caller caller) : IAgentService
{
    public async Task<AgentRegistration> RegisterAgentAsync(RegisterAgentRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var agent = AgentRegistrationRules.Check(v, request.Name, request.Cli, request.Capabilities, request.HealthChecks, request.MaxConcurrency);
        var machineId = v.Text("machine_id", request.MachineId, 40);
        if (!string.IsNullOrEmpty(machineId) && !IdGenerator.IsId(machineId, IdGenerator.Machine))
            v.Add("machine_id", "must be a machine id (mach_…) as `baton fleet list` shows it.");
        v.ThrowIfAny();
        if (!string.IsNullOrEmpty(machineId) && await machines.FindMachineOrNullAsync(machineId, ct) is null)
            throw new BatonException(ErrorCodes.MachineNotFound, $"There is no machine '{machineId}'. `baton fleet register` registers this machine; `baton fleet list` shows the ids.");

        var now = core.Now();
        var candidate = new Agent(core.Ids.New(IdGenerator.Agent), agent.Name, string.IsNullOrEmpty(machineId) ? null : machineId, agent.Cli,
            agent.Capabilities, agent.HealthChecks, agent.MaxConcurrency, now, now, now, null, null, null, caller.ActorKeyId);
        var upsert = await store.UpsertAgentAsync(candidate, ct);
        signals.DispatchNeeded();
        return new AgentRegistration(await InfoAsync(upsert.Agent, ct), upsert.Created);
    }

    public async Task<AgentInfo> GetAgentAsync(string idOrName, CancellationToken ct) =>
        await InfoAsync(await FindAsync(idOrName, ct), ct);

    public async Task<Page<AgentInfo>> ListAgentsAsync(AgentListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var page = await store.ListAgentsAsync(new AgentQuery(new PageRequest(limit, request.Cursor), request.IncludeRemoved ?? false), ct);
        var loads = await store.GetAgentLoadsAsync(page.Items.Select(a => a.Id).ToList(), ct);
        var now = core.Now();
        return new Page<AgentInfo>(page.Items.Select(a => AgentInfo.From(a, loads[a.Id], now, options.OfflineAfter)).ToList(), page.Total, page.NextCursor);
    }

    public async Task<AgentInfo> HeartbeatAgentAsync(string id, CancellationToken ct) => await InfoAsync(await TouchAsync(id, ct), ct);

    public async Task<AgentInfo> PauseAgentAsync(string id, PauseAgentRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var now = core.Now();
        var until = v.Required("until", request.Until);
        if (request.Until is { } u && u <= now) v.Add("until", $"must be in the future (now is {Timestamp.ToWire(now)}); `baton agents resume` ends a pause.");
        var reason = v.Text("reason", request.Reason, 500);
        v.ThrowIfAny();
        var agent = await store.SetAgentPauseAsync(id, Timestamp.TruncateToMilliseconds(until), string.IsNullOrEmpty(reason) ? null : reason, now, ct)
                    ?? throw NotFound(id);
        return await InfoAsync(agent, ct);
    }

    public async Task<AgentInfo> ResumeAgentAsync(string id, CancellationToken ct)
    {
        var agent = await store.SetAgentPauseAsync(id, null, null, core.Now(), ct) ?? throw NotFound(id);
        signals.DispatchNeeded();
        return await InfoAsync(agent, ct);
    }

    public async Task<AgentInfo> RemoveAgentAsync(string id, CancellationToken ct)
    {
        caller.EnsureAdmin("Deregistering an agent");
        var removal = await store.RemoveAgentAsync(id, core.Now(), caller.ActorKeyId, ct) ?? throw NotFound(id);
        if (removal.Requeued.Count > 0) signals.DispatchNeeded();
        return await InfoAsync(removal.Agent, ct);
    }

    public async Task<AgentInfo> ReportHealthAsync(string id, ReportHealthRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var requirement = Name(v, "requirement", request.Requirement, 100);
        var healthy = v.Required("healthy", request.Healthy);
        var detail = v.Text("detail", request.Detail, 500);
        v.ThrowIfAny();
        var agent = await store.FindAgentOrNullAsync(id, ct);
        if (agent is not { RemovedAt: null }) throw NotFound(id);
        if (!agent.Capabilities.Any(c => c.Requirements.Contains(requirement, StringComparer.Ordinal)))
            throw BatonException.Validation("requirement", $"'{requirement}' is not a requirement of any capability of {agent.Name}.");
        _ = await store.RecordHealthAsync(id, new HealthResult(requirement, healthy, core.Now(), string.IsNullOrEmpty(detail) ? null : detail), ct)
            ?? throw NotFound(id);
        if (healthy) signals.DispatchNeeded();
        return await InfoAsync(agent, ct);
    }

    public async Task<NextTaskResponse> NextTaskAsync(string id, NextTaskRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var maxWait = (int)options.LongPollMax.TotalSeconds;
        var wait = TimeSpan.FromSeconds(v.Range("wait_seconds", request.WaitSeconds, 0, maxWait, maxWait));
        v.ThrowIfAny();
        // The long poll is a sign of life, and an idle agent asking is a reason to look at the queue again.
        await TouchAsync(id, ct);
        signals.DispatchNeeded();

        var started = core.Clock.GetTimestamp();
        while (true)
        {
            // Taken before the look, so an assignment made between the look and the wait wakes this wait.
            var assigned = signals.NextAssignment(id);
            var tasks = await store.ListAssignedTasksAsync(id, caller.VentureScope, ct);
            if (tasks.Count > 0) return new NextTaskResponse(tasks[0]);
            var remaining = wait - core.Clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) return new NextTaskResponse(null);
            try
            {
                await assigned.WaitAsync(remaining, core.Clock, ct);
            }
            catch (TimeoutException)
            {
                return new NextTaskResponse(null);
            }
        }
    }

    public async Task<RepoContext> ReportContextAsync(ReportContextRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var machineId = v.Required("machine_id", request.MachineId, 40);
        if (machineId.Length > 0 && !IdGenerator.IsId(machineId, IdGenerator.Machine))
            v.Add("machine_id", "must be a machine id (mach_…) as `baton fleet list` shows it.");
        var repo = Repo(v, "repo", request.Repo);
        var path = v.Required("local_path", request.LocalPath, 1_000);
        var branch = v.Text("default_branch", request.DefaultBranch, 250);
        v.ThrowIfAny();
        if (await machines.FindMachineOrNullAsync(machineId, ct) is null)
            throw new BatonException(ErrorCodes.MachineNotFound, $"There is no machine '{machineId}'. `baton fleet register` registers this machine.");
        var now = core.Now();
        var lastFetched = request.LastFetchedAt is { } at ? Timestamp.TruncateToMilliseconds(at) : (DateTimeOffset?)null;
        return await store.UpsertContextAsync(new RepoContext(machineId, repo, path, string.IsNullOrEmpty(branch) ? null : branch, lastFetched, now), ct);
    }

    public async Task<ListResult<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct)
    {
        var v = new Validator();
        var normalized = string.IsNullOrEmpty(repo) ? null : Repo(v, "repo", repo);
        v.ThrowIfAny();
        var contexts = await store.ListContextsAsync(string.IsNullOrEmpty(machineId) ? null : machineId, normalized, ct);
        return new ListResult<RepoContext>(contexts, contexts.Count);
    }

    public async Task<ListResult<ResultHistory>> ListResultHistoryAsync(ResultHistoryRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var ids = (request.AgentIds ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) v.Add("agent_ids", "must name at least one agent id (agent_…).");
        if (ids.Count > PageRequest.MaxLimit) v.Add("agent_ids", $"must name at most {PageRequest.MaxLimit} agents (got {ids.Count}).");
        foreach (var id in ids.Where(id => !IdGenerator.IsId(id, IdGenerator.Agent)).Take(1))
            v.Add("agent_ids", $"'{id}' is not an agent id (agent_…).");
        var per = v.Range("per_capability", request.PerCapability, 1, ResultHistoryRequest.MaxPerCapability, ResultHistoryRequest.DefaultPerCapability);
        v.ThrowIfAny();
        var histories = await store.ListResultHistoryAsync(ids, per, ct);
        return new ListResult<ResultHistory>(histories, histories.Count);
    }

    /// <summary>A repo as <c>org/name</c> (a trailing <c>.git</c> or <c>/</c> dropped), the form contexts and tasks are matched on.</summary>
    internal static string Repo(Validator v, string field, string? value)
    {
        var text = v.Required(field, value, 200).TrimEnd('/');
        if (text.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) text = text[..^4];
        if (text.Length > 0 && !RepoPattern().IsMatch(text)) v.Add(field, $"must be org/name (got '{text}').");
        return text;
    }

    /// <summary>A name: letters, digits, '.', '_', '-', starting with a letter or digit (<see cref="AgentRegistrationRules.Name"/>).</summary>
    internal static string Name(Validator v, string field, string? value, int max) => AgentRegistrationRules.Name(v, field, value, max);

    private async Task<Agent> FindAsync(string idOrName, CancellationToken ct) =>
        (IdGenerator.IsId(idOrName, IdGenerator.Agent)
            ? await store.FindAgentOrNullAsync(idOrName, ct)
            : await store.FindAgentByNameOrNullAsync(idOrName, ct)) ?? throw NotFound(idOrName);

    private async Task<Agent> TouchAsync(string id, CancellationToken ct)
    {
        var now = core.Now();
        var touch = await store.TouchAgentAsync(id, now, ct) ?? throw NotFound(id);
        // Back from offline: what it could take was left in the queue.
        if (now - touch.PreviousHeartbeatAt >= options.OfflineAfter) signals.DispatchNeeded();
        return touch.Agent;
    }

    private async Task<AgentInfo> InfoAsync(Agent agent, CancellationToken ct)
    {
        var loads = await store.GetAgentLoadsAsync([agent.Id], ct);
        return AgentInfo.From(agent, loads[agent.Id], core.Now(), options.OfflineAfter);
    }

    internal static BatonException NotFound(string id) =>
        new(ErrorCodes.AgentNotFound, $"There is no agent '{id}'. `baton agents list` shows the agents; `baton agents register` adds one.");

    [GeneratedRegex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex RepoPattern();
}
