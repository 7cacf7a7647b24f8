using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Handoffs written without ending a session (including cross-venture ones), and the paged list (docs/architecture.md §5).</summary>
internal static class HandoffsApi
{
    public static IEndpointRouteBuilder MapHandoffsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Handoffs");
        v1.MapPost("/handoffs", CreateHandoff);
        v1.MapGet("/handoffs", ListHandoffs);
        return app;
    }

    /// <summary>201 without a Location: handoffs are read through the list, there is no single-handoff route yet.</summary>
    public static async Task<Created<HandoffReceipt>> CreateHandoff(CreateHandoffRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var receipt = await services.Handoffs.CreateHandoffAsync(request, ct);
        http.NoteVenture(receipt.Venture);
        return TypedResults.Created((string?)null, receipt);
    }

    public static async Task<Ok<Page<Handoff>>> ListHandoffs(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? repo,
        [FromQuery] string? track,
        [FromQuery(Name = "issue_number")] string? issueNumber,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        var request = new HandoffListRequest(
            venture, repo, track, QueryValues.WholeNumberOrNull("issue_number", issueNumber), QueryValues.LimitOrNull(limit), cursor);
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Handoffs.ListHandoffsAsync(request, ct));
    }
}
