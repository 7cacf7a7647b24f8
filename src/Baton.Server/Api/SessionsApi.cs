using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Sessions: start of day, heartbeat, update, end of day, and reading them back (docs/architecture.md §4).</summary>
internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Sessions");
        v1.MapPost("/sod", StartOfDay);
        v1.MapPost("/briefing/preview", PreviewBriefing);
        v1.MapPost("/sessions/{id}/heartbeat", Heartbeat);
        v1.MapPost("/sessions/{id}/update", Update);
        v1.MapPost("/eod", EndOfDay);
        v1.MapGet("/sessions", ListSessions);
        v1.MapGet("/sessions/{id}", GetSession);
        return app;
    }

    public static async Task<Ok<SodResponse>> StartOfDay(SodRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Sessions.SodAsync(request, ct);
        http.NoteVenture(answer.Session.Venture);
        return TypedResults.Ok(answer);
    }

    /// <summary>The briefing a SOD would show now; writes nothing (a POST for its body, like SOD's).</summary>
    public static async Task<Ok<BriefingPreview>> PreviewBriefing(BriefingPreviewRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Sessions.PreviewBriefingAsync(request, ct);
        http.NoteVenture(answer.Venture);
        return TypedResults.Ok(answer);
    }

    public static async Task<Ok<HeartbeatResponse>> Heartbeat(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Sessions.HeartbeatAsync(id, ct);
        http.NoteVenture(answer.Session.Venture);
        return TypedResults.Ok(answer);
    }

    public static async Task<Ok<HeartbeatResponse>> Update(string id, UpdateSessionRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Sessions.UpdateAsync(id, request, ct);
        http.NoteVenture(answer.Session.Venture);
        return TypedResults.Ok(answer);
    }

    public static async Task<Ok<EodResponse>> EndOfDay(EodRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Sessions.EodAsync(request, ct);
        http.NoteVenture(answer.Session.Venture);
        return TypedResults.Ok(answer);
    }

    public static async Task<Ok<Page<Session>>> ListSessions(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? status,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        var request = new SessionListRequest(venture, QueryValues.SessionStatusOrNull(status), QueryValues.LimitOrNull(limit), cursor);
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Sessions.ListSessionsAsync(request, ct));
    }

    public static async Task<Ok<Session>> GetSession(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var session = await services.Sessions.GetSessionAsync(id, ct);
        http.NoteVenture(session.Venture);
        return TypedResults.Ok(session);
    }
}
