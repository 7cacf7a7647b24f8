using Baton.Core.Activity;
using Baton.Core.Application;
using Baton.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// Hook events (docs/architecture.md §15): batches from the machines' outboxes, each session's events, and who is
/// waiting for a human. Any key may post events, as any key may heartbeat; a venture-scoped key only for its venture
/// (the service checks).
/// </summary>
internal static class ActivityApi
{
    public static IEndpointRouteBuilder MapActivityApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Activity");
        v1.MapPost("/events", RecordEvents);
        v1.MapGet("/sessions/{id}/events", ListSessionEvents);
        v1.MapGet("/waiting", ListWaiting);
        v1.MapGet("/events/latest", LatestSessionEvents);
        return app;
    }

    /// <summary>200 with one outcome per event, in the batch's order (stored, duplicate or unmatched).</summary>
    public static async Task<Ok<RecordEventsResponse>> RecordEvents(RecordEventsRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Activity.RecordEventsAsync(request, ct);
        http.NoteVenture(request.Events?.FirstOrDefault(e => e?.Venture is not null)?.Venture);
        return TypedResults.Ok(answer);
    }

    public static async Task<Ok<Page<HookEvent>>> ListSessionEvents(
        string id, BatonServices services, HttpContext http,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct) =>
        TypedResults.Ok(await services.Activity.ListSessionEventsAsync(id, new EventListRequest(QueryValues.LimitOrNull(limit), cursor), ct));

    /// <summary>The last event of each session named in <c>sessions</c> (comma-separated ids, at most 200).</summary>
    public static async Task<Ok<IReadOnlyList<HookEvent>>> LatestSessionEvents(
        BatonServices services, [FromQuery] string? sessions, CancellationToken ct) =>
        TypedResults.Ok(await services.Activity.LatestSessionEventsAsync(
            [.. (sessions ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)], ct));

    public static async Task<Ok<Page<WaitingSession>>> ListWaiting(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Activity.ListWaitingAsync(new WaitingListRequest(venture, QueryValues.LimitOrNull(limit), cursor), ct));
    }
}
