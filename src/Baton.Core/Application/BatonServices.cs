using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Briefing;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Spend;
using Baton.Core.Ventures;
using Baton.Core.Workflows;

namespace Baton.Core.Application;

/// <summary>The in-process services for one caller: what the server builds per request and local mode builds once.</summary>
public sealed record BatonServices(
    ISessionService Sessions,
    IHandoffService Handoffs,
    IVentureService Ventures,
    IKeyService Keys,
    INoteService Notes,
    IDocService Docs,
    IMachineService Machines,
    IAlertService Alerts,
    ICadenceService Cadence,
    IAgentService Agents,
    ITaskService Tasks,
    IActivityService Activity,
    IClaimService Claims,
    ISpendService Spend,
    IWorkflowService Workflows,
    ISprintService Sprints);

/// <summary>
/// Makes <see cref="BatonServices"/> for a caller from the store's narrow ports. One per process, made by the
/// composition root (<c>AddBaton()</c> in Baton.Hosting); cheap to call per request: services are small objects
/// holding their ports and the caller.
/// </summary>
public sealed class BatonServiceFactory(
    IVentureStore ventures,
    IKeyStore keys,
    ISessionStore sessions,
    IHandoffStore handoffs,
    IKnowledgeStore knowledge,
    IFleetStore machines,
    IAlertStore alerts,
    IOrchestrationStore orchestration,
    IActivityStore activity,
    OrchestrationOptions orchestrationOptions,
    OrchestrationSignals signals,
    IBriefingSourceStore briefingSources,
    IClaimStore claims,
    ISpendStore spend,
    IWorkflowStore workflows,
    IGitHub github,
    BatonCore core)
{
    private BatonCore _core = core;

    /// <summary>The clock, randomness, ids and options every service of this process shares.</summary>
    public BatonCore Core => _core;

    /// <summary>
    /// Names where answers come from in every briefing header from now on. The server calls it once, right after
    /// Kestrel has bound (the real port is known only then); a reference write, so no lock is needed.
    /// </summary>
    public void UseServerLabel(string label) => _core = _core with { Options = _core.Options.WithServerLabel(label) };

    public BatonServices For(Caller caller)
    {
        var core = _core;
        var briefing = new SodBriefing(briefingSources, core.Options);
        var drafter = new HandoffDrafter(activity, sessions, handoffs, core, caller);
        // Workflows read and cancel their step tasks as this caller, so a scoped key reaches only its venture's.
        var tasks = new TaskService(orchestration, ventures, core, orchestrationOptions, signals, caller);
        return new BatonServices(
            new SessionService(sessions, ventures, briefing, new SodClaims(claims, core, caller), drafter, core, caller),
            new HandoffService(handoffs, ventures, core, caller),
            new VentureService(ventures, caller),
            new KeyService(keys, ventures, core, caller),
            new NoteService(knowledge, ventures, core, caller),
            new DocService(knowledge, ventures, core, caller),
            new MachineService(machines, core, caller),
            new AlertService(alerts, ventures, core, caller),
            new CadenceService(alerts, ventures, core, caller),
            new AgentService(orchestration, machines, core, orchestrationOptions, signals, caller),
            tasks,
            new ActivityService(activity, sessions, ventures, drafter, core, caller),
            new ClaimService(claims, sessions, ventures, core, caller),
            new SpendService(spend, core, caller),
            new WorkflowService(workflows, tasks, ventures, github, core, caller),
            new SprintService(workflows, tasks, ventures, github, core, caller));
    }

    /// <summary>
    /// Makes and stores a new key outside any caller (the server mints the first admin key of a fresh data directory
    /// with it). Returns the key itself (shown once) and the stored record.
    /// </summary>
    public Task<(CreatedKey Created, ApiKey Stored)> MintKeyAsync(KeyRole role, string name, string createdBy, CancellationToken ct) =>
        KeyService.MintAsync(keys, _core, role, name, venture: null, createdBy, ct);

    /// <summary>
    /// The workflow engine (docs/architecture.md §17): it acts as the server itself (<see cref="Workflows.WorkflowEngine.EngineCaller"/>),
    /// making step tasks through the same task service every caller uses.
    /// </summary>
    public Workflows.WorkflowEngine WorkflowEngine(Workflows.ISmokeChecker smoke) =>
        new(workflows, new TaskService(orchestration, ventures, _core, orchestrationOptions, signals, Workflows.WorkflowEngine.EngineCaller),
            orchestration, ventures, github, smoke, _core,
            // A store several replicas share has several engines; SQLite has exactly one (the one server on the file).
            soleEngine: workflows is not Storage.IBatonStore { SharedByReplicas: true });

    /// <summary>Webhook deliveries act for no caller: they are authenticated by their signature.</summary>
    public WebhookService Webhooks() => new(alerts, ventures, _core);
}
