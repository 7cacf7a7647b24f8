using Baton.Core.Application;
using Baton.Core.Claims;
using Baton.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// Claims (issue 15, docs/architecture.md §15 Claims): a live session claims an issue or file globs, exclusive or shared;
/// a conflict is refused with 409 <c>claim_conflict</c> naming the holder. Release, the paged list of held claims, and
/// the pre-commit guard's check.
/// </summary>
internal static class ClaimsApi
{
    public static IEndpointRouteBuilder MapClaimsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Claims");
        v1.MapPost("/claims", CreateClaim);
        v1.MapPost("/claims/check", Check);
        v1.MapGet("/claims", ListClaims);
        v1.MapGet("/claims/{id}", GetClaim);
        v1.MapDelete("/claims/{id}", ReleaseClaim);
        return app;
    }

    /// <summary>201 with a Location for a new claim; 200 when the session already held this very claim.</summary>
    public static async Task<Results<Created<ClaimResponse>, Ok<ClaimResponse>>> CreateClaim(
        CreateClaimRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Claims.ClaimAsync(request, ct);
        http.NoteVenture(answer.Claim.Venture);
        return answer.Created ? TypedResults.Created($"/v1/claims/{answer.Claim.Id}", answer) : TypedResults.Ok(answer);
    }

    /// <summary>Releases the claim; releasing a released claim answers it unchanged.</summary>
    public static async Task<Ok<Claim>> ReleaseClaim(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var claim = await services.Claims.ReleaseClaimAsync(id, ct);
        http.NoteVenture(claim.Venture);
        return TypedResults.Ok(claim);
    }

    public static async Task<Ok<Claim>> GetClaim(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var claim = await services.Claims.GetClaimAsync(id, ct);
        http.NoteVenture(claim.Venture);
        return TypedResults.Ok(claim);
    }

    /// <summary>Held claims (not released, session live), newest first, with the exact total for the filter.</summary>
    public static async Task<Ok<Page<Claim>>> ListClaims(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? repo,
        [FromQuery] string? session,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Claims.ListClaimsAsync(
            new ClaimListRequest(venture, repo, session, QueryValues.LimitOrNull(limit), cursor), ct));
    }

    /// <summary>Which of the files another live session holds exclusively (the pre-commit guard's question); a read, despite POST.</summary>
    public static async Task<Ok<ClaimCheck>> Check(CheckClaimsRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        http.NoteVenture(request.Venture);
        return TypedResults.Ok(await services.Claims.CheckAsync(request, ct));
    }
}
