using Baton.Core.Application;
using Baton.Core.Spend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>
/// Spend (issue 15, docs/architecture.md §15 Spend): tokens and cost reported with task results, summed exactly per
/// session, agent, venture or day over a period. Any key; a venture-scoped key sees only its venture.
/// </summary>
internal static class SpendApi
{
    public static IEndpointRouteBuilder MapSpendApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Spend").MapGet("/spend", GetSpend);
        return app;
    }

    /// <summary><c>since</c>: a duration back from now (<c>7d</c>) or a timestamp; <c>by</c>: session, agent, venture (default), day or task.</summary>
    public static async Task<Ok<SpendReport>> GetSpend(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? since,
        [FromQuery] string? by,
        [FromQuery] string? limit,
        CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Spend.GetSpendAsync(new SpendRequest(venture, since, by, QueryValues.LimitOrNull(limit)), ct));
    }
}
