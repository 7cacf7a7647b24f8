using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Ventures;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>The venture registry: list, read, and (admin) create or replace.</summary>
internal static class VenturesApi
{
    public static IEndpointRouteBuilder MapVenturesApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Ventures");
        v1.MapGet("/ventures", ListVentures);
        v1.MapGet("/ventures/{code}", GetVenture);
        v1.MapPut("/ventures/{code}", PutVenture).RequireAdmin("Registering a venture");
        return app;
    }

    /// <summary>The whole registry in one page (it is small), in the list shape every list uses.</summary>
    public static async Task<Ok<Page<Venture>>> ListVentures(BatonServices services, HttpContext http, CancellationToken ct)
    {
        var ventures = await services.Ventures.ListVenturesAsync(ct);
        return TypedResults.Ok(new Page<Venture>(ventures, ventures.Count, null));
    }

    public static async Task<Ok<Venture>> GetVenture(string code, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var venture = await services.Ventures.GetVentureAsync(code, ct);
        http.NoteVenture(venture.Code);
        return TypedResults.Ok(venture);
    }

    public static async Task<Ok<Venture>> PutVenture(string code, PutVentureRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var venture = await services.Ventures.PutVentureAsync(code, request, ct);
        http.NoteVenture(venture.Code);
        return TypedResults.Ok(venture);
    }
}
