using Baton.Core.Activity;
using Baton.Core.Claims;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Spend;
using Baton.Core.Ventures;


namespace Baton.Mcp;

/// <summary>How the services reach the data: a Baton server over HTTP, or the embedded store in this process.</summary>
public enum BackendMode { Server, Local }

/// <summary>
/// The services the tools call, opened in the right mode by the host (<c>baton mcp</c> opens them exactly as every
/// other verb does, at the first tool call: <see cref="BackendSource"/>). <see cref="Notes"/> and <see cref="Docs"/> are null when the backend does not offer them
/// yet; the tools that need them then answer with an error that says so instead of failing to start.
/// </summary>
/// <param name="Label">Where the data lives, for people: the server URL or <c>local: &lt;db path&gt;</c>.</param>
/// <param name="KeyConfigured">Server mode only: whether <c>BATON_KEY</c> is set (local mode needs no key).</param>
/// <param name="Tasks">The orchestrator's queue (<c>task_create</c>, <c>tasks</c>, <c>task_status</c>); null when not offered.</param>
/// <param name="Activity">Hook events and the waiting queue (<c>waiting</c>); null when not offered.</param>
/// <param name="Claims">Claims (<c>claim</c>, <c>release</c>, <c>claims</c>); null when not offered.</param>
/// <param name="Spend">Spend (<c>spend</c>); null when not offered.</param>
/// <param name="Workflows">Project workflows (<c>project_status</c>); null when not offered.</param>
public sealed record BatonBackend(
    ISessionService Sessions,
    IHandoffService Handoffs,
    IVentureService Ventures,
    INoteService? Notes,
    IDocService? Docs,
    BackendMode Mode,
    string Label,
    bool KeyConfigured,
    ITaskService? Tasks = null,
    IActivityService? Activity = null,
    IClaimService? Claims = null,
    ISpendService? Spend = null,
    Baton.Core.Workflows.IWorkflowService? Workflows = null);
