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
/// Sprints (issue 17, docs/architecture.md §17): plan a venture's issues into waves from their "depends on #N" (read
/// with gh, nothing stored; a cycle is 400 naming it), start a sprint, list them and read one with its report.
/// </summary>
internal static class SprintsApi
{
    public static IEndpointRouteBuilder MapSprintsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Sprints");
        v1.MapPost("/sprints/plan", PlanSprint);
        v1.MapPost("/sprints", StartSprint);
        v1.MapGet("/sprints", ListSprints);
        v1.MapGet("/sprints/{id}", GetSprint);
        return app;
    }

    /// <summary>The waves the issues make; a read despite POST (the issues are a body, and gh is asked).</summary>
    public static async Task<Ok<SprintPlan>> PlanSprint(PlanSprintRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        http.NoteVenture(request.Venture);
        return TypedResults.Ok(await services.Sprints.PlanSprintAsync(request, ct));
    }

    public static async Task<Created<SprintInfo>> StartSprint(StartSprintRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var info = await services.Sprints.StartSprintAsync(request, ct);
        http.NoteVenture(info.Sprint.Venture);
        return TypedResults.Created($"/v1/sprints/{info.Sprint.Id}", info);
    }

    public static async Task<Ok<Page<Sprint>>> ListSprints(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Sprints.ListSprintsAsync(new SprintListRequest(venture, QueryValues.LimitOrNull(limit), cursor), ct));
    }

    public static async Task<Ok<SprintInfo>> GetSprint(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var info = await services.Sprints.GetSprintAsync(id, ct);
        http.NoteVenture(info.Sprint.Venture);
        return TypedResults.Ok(info);
    }
}
