using System.Text.Json;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// The task queue (issue 14): add, list with exact totals, read with events and results, explain an assignment (the
/// score cards), and the worker's lease calls — start, renew, complete, fail — each carrying the epoch (a stale one is
/// 409 <c>lease_lost</c>); cancel and retry by hand.
/// </summary>
internal static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Tasks");
        v1.MapPost("/tasks", CreateTask);
        v1.MapGet("/tasks", ListTasks);
        v1.MapGet("/tasks/counts", CountTasks);
        v1.MapGet("/tasks/{id}", GetTask);
        v1.MapGet("/tasks/{id}/events", ListEvents);
        v1.MapGet("/tasks/{id}/results", ListResults);
        v1.MapGet("/tasks/{id}/reviews", ListReviews);
        v1.MapGet("/tasks/{id}/explain", Explain);
        v1.MapPost("/tasks/{id}/start", Start);
        v1.MapPost("/tasks/{id}/renew", Renew);
        v1.MapPost("/tasks/{id}/complete", Complete);
        v1.MapPost("/tasks/{id}/fail", Fail);
        v1.MapPost("/tasks/{id}/cancel", Cancel);
        v1.MapPost("/tasks/{id}/retry", Retry);
        return app;
    }

    public static async Task<Created<BatonTask>> CreateTask(CreateTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var task = await services.Tasks.CreateTaskAsync(request, ct);
        http.NoteVenture(task.Venture);
        return TypedResults.Created($"/v1/tasks/{task.Id}", task);
    }

    public static async Task<Ok<Page<BatonTask>>> ListTasks(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? state,
        [FromQuery] string? capability,
        [FromQuery] string? agent,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Tasks.ListTasksAsync(
            new TaskListRequest(venture, StateOrNull(state), capability, agent, QueryValues.LimitOrNull(limit), cursor), ct));
    }

    /// <summary>Exact counts per state (and the total) for a venture, or every venture the key may see.</summary>
    public static async Task<Ok<TaskCounts>> CountTasks(BatonServices services, HttpContext http, [FromQuery] string? venture, CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Tasks.CountTasksAsync(venture, ct));
    }

    public static async Task<Ok<BatonTask>> GetTask(string id, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.GetTaskAsync(id, ct));

    public static async Task<Ok<ListResult<TaskEvent>>> ListEvents(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Tasks.ListTaskEventsAsync(id, ct));

    public static async Task<Ok<ListResult<TaskResult>>> ListResults(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Tasks.ListTaskResultsAsync(id, ct));

    /// <summary>The supervisory reports on the task: each succeeded review task's verdict, concerns and summary (§14 Supervision).</summary>
    public static async Task<Ok<ListResult<TaskReview>>> ListReviews(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Tasks.ListTaskReviewsAsync(id, ct));

    /// <summary>Every assignment of the task with the score card of every candidate at that moment.</summary>
    public static async Task<Ok<TaskExplanation>> Explain(string id, BatonServices services, CancellationToken ct) =>
        TypedResults.Ok(await services.Tasks.ExplainTaskAsync(id, ct));

    public static async Task<Ok<BatonTask>> Start(string id, LeaseRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.StartTaskAsync(id, request, ct));

    /// <summary>Extends the lease; <c>cancelled: true</c> delivers a cancellation (the task is now cancelled: stop).</summary>
    public static async Task<Ok<RenewResponse>> Renew(string id, LeaseRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var renew = await services.Tasks.RenewTaskAsync(id, request, ct);
        http.NoteVenture(renew.Task.Venture);
        return TypedResults.Ok(renew);
    }

    public static async Task<Ok<BatonTask>> Complete(string id, CompleteTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.CompleteTaskAsync(id, request, ct));

    public static async Task<Ok<BatonTask>> Fail(string id, FailTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.FailTaskAsync(id, request, ct));

    public static async Task<Ok<BatonTask>> Cancel(string id, CancelTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.CancelTaskAsync(id, request, ct));

    public static async Task<Ok<BatonTask>> Retry(string id, RetryTaskRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        Noted(http, await services.Tasks.RetryTaskAsync(id, request, ct));

    private static Ok<BatonTask> Noted(HttpContext http, BatonTask task)
    {
        http.NoteVenture(task.Venture);
        return TypedResults.Ok(task);
    }

    private static TaskState? StateOrNull(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        foreach (var state in Enum.GetValues<TaskState>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString()), text, StringComparison.Ordinal)) return state;
        }
        throw BatonException.Validation("state", "must be one of: waiting, queued, assigned, running, succeeded, failed, dead, cancelled.");
    }
}
