using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// Project workflows (issue 17, docs/architecture.md §17): start one from a GitHub issue or a title, list and read them
/// (history, GitHub effects, the current step's task), a human's advance or reject at a gate (REVIEW, QA, VALIDATE),
/// and the transition table as a Mermaid diagram.
/// </summary>
internal static class WorkflowsApi
{
    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Workflows");
        v1.MapPost("/workflows", StartWorkflow);
        v1.MapGet("/workflows", ListWorkflows);
        // A literal segment outranks {id} in routing, so "diagram" is never read as a workflow id.
        v1.MapGet("/workflows/diagram", Diagram);
        v1.MapGet("/workflows/{id}", GetWorkflow);
        v1.MapPost("/workflows/{id}/advance", Advance);
        v1.MapPost("/workflows/{id}/reject", Reject);
        return app;
    }

    public static async Task<Created<WorkflowInfo>> StartWorkflow(StartWorkflowRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var info = await services.Workflows.StartWorkflowAsync(request, ct);
        http.NoteVenture(info.Workflow.Venture);
        return TypedResults.Created($"/v1/workflows/{info.Workflow.Id}", info);
    }

    public static async Task<Ok<Page<Workflow>>> ListWorkflows(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? state,
        [FromQuery] string? sprint,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Workflows.ListWorkflowsAsync(
            new WorkflowListRequest(venture, StateOrNull(state), sprint, QueryValues.LimitOrNull(limit), cursor), ct));
    }

    public static async Task<Ok<WorkflowInfo>> GetWorkflow(string id, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Workflows.GetWorkflowAsync(id, ct));

    /// <summary>Moves the workflow forward at a gate whatever its step said; an open step task is cancelled.</summary>
    public static async Task<Ok<WorkflowInfo>> Advance(string id, GateDecisionRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Workflows.AdvanceWorkflowAsync(id, request, ct));

    /// <summary>Back to PLANNING with the reason (required), counted against max_bounces: one too many is FAILED.</summary>
    public static async Task<Ok<WorkflowInfo>> Reject(string id, GateDecisionRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Workflows.RejectWorkflowAsync(id, request, ct));

    /// <summary>The transition table as a Mermaid <c>stateDiagram-v2</c>, as docs/architecture.md §17 draws it.</summary>
    public static ContentHttpResult Diagram() => TypedResults.Text(WorkflowMachine.Mermaid(), "text/plain; charset=utf-8");

    private static Ok<WorkflowInfo> Noted(HttpContext http, WorkflowInfo info)
    {
        http.NoteVenture(info.Workflow.Venture);
        return TypedResults.Ok(info);
    }

    private static WorkflowState? StateOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        return WorkflowStateJsonConverter.ParseOrNull(text)
               ?? throw BatonException.Validation("state", $"must be one of: {string.Join(", ", WorkflowStateJsonConverter.Names)}.");
    }
}
