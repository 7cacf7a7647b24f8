using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// The agent registry (issue 14): agents register (idempotent on name), heartbeat, pause and report health; their
/// workers take assigned tasks with a long poll; machines report which repos they have (contexts).
/// </summary>
internal static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Agents");
        v1.MapPost("/agents", RegisterAgent);
        v1.MapGet("/agents", ListAgents);
        v1.MapGet("/agents/{id}", GetAgent);
        v1.MapDelete("/agents/{id}", RemoveAgent).RequireAdmin("Deregistering an agent");
        v1.MapPost("/agents/{id}/heartbeat", Heartbeat);
        v1.MapPost("/agents/{id}/pause", Pause);
        v1.MapPost("/agents/{id}/resume", Resume);
        v1.MapPost("/agents/{id}/health", ReportHealth);
        v1.MapPost("/agents/{id}/next", Next);
        v1.MapPost("/contexts", ReportContext);
        v1.MapGet("/contexts", ListContexts);
        // Not under /agents/: an agent may be named "history".
        v1.MapGet("/agent-history", ListResultHistory);
        return app;
    }

    /// <summary>201 with a Location for a new name, 200 when an existing agent was updated (or revived).</summary>
    public static async Task<Results<Created<AgentRegistration>, Ok<AgentRegistration>>> RegisterAgent(
        RegisterAgentRequest request, BatonServices services, CancellationToken ct)
    {
        var registration = await services.Agents.RegisterAgentAsync(request, ct);
        return registration.Created
            ? TypedResults.Created($"/v1/agents/{registration.Agent.Id}", registration)
            : TypedResults.Ok(registration);
    }

    public static async Task<Ok<Page<AgentInfo>>> ListAgents(
        BatonServices services,
        [FromQuery(Name = "include_removed")] string? includeRemoved,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ListAgentsAsync(
            new AgentListRequest(QueryValues.BooleanOrNull("include_removed", includeRemoved), QueryValues.LimitOrNull(limit), cursor), ct));

    /// <summary>
    /// The agents' newest scored results per capability (<c>agent_id</c> repeated or comma-separated, 1–200;
    /// <c>per_capability</c> 1–100, default 40): the history behind a score and its trend, in one read.
    /// </summary>
    public static async Task<Ok<ListResult<ResultHistory>>> ListResultHistory(
        BatonServices services,
        [FromQuery(Name = "agent_id")] string[]? agentIds,
        [FromQuery(Name = "per_capability")] string? perCapability,
        CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ListResultHistoryAsync(new ResultHistoryRequest(
            (agentIds ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            QueryValues.WholeNumberOrNull("per_capability", perCapability)), ct));

    /// <summary>By id (<c>agent_…</c>) or by name.</summary>
    public static async Task<Ok<AgentInfo>> GetAgent(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.GetAgentAsync(id, ct));

    public static async Task<Ok<AgentInfo>> RemoveAgent(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.RemoveAgentAsync(id, ct));

    public static async Task<Ok<AgentInfo>> Heartbeat(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.HeartbeatAgentAsync(id, ct));

    public static async Task<Ok<AgentInfo>> Pause(string id, PauseAgentRequest request, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.PauseAgentAsync(id, request, ct));

    public static async Task<Ok<AgentInfo>> Resume(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ResumeAgentAsync(id, ct));

    public static async Task<Ok<AgentInfo>> ReportHealth(string id, ReportHealthRequest request, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ReportHealthAsync(id, request, ct));

    /// <summary>
    /// The worker's long poll: answers at once with the oldest task assigned to the agent, or waits (up to
    /// <c>wait_seconds</c>, at most 30) for the dispatcher to assign one; <c>{"task": null}</c> when the wait ends empty.
    /// </summary>
    public static async Task<Ok<NextTaskResponse>> Next(string id, NextTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var next = await services.Agents.NextTaskAsync(id, request, ct);
        http.NoteVenture(next.Task?.Venture);
        return TypedResults.Ok(next);
    }

    public static async Task<Ok<RepoContext>> ReportContext(ReportContextRequest request, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ReportContextAsync(request, ct));

    public static async Task<Ok<ListResult<RepoContext>>> ListContexts(
        BatonServices services,
        [FromQuery(Name = "machine_id")] string? machineId,
        [FromQuery] string? repo,
        CancellationToken ct) =>
        TypedResults.Ok(await services.Agents.ListContextsAsync(machineId, repo, ct));
}
