using Baton.Core.Alerts;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Recurring duties (issue 7): add (admin), mark done, list with due and overdue judged now.</summary>
internal static class CadenceApi
{
    public static IEndpointRouteBuilder MapCadenceApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Cadence");
        v1.MapGet("/cadence", ListCadence);
        v1.MapPost("/cadence", CreateCadence).RequireAdmin("Adding a recurring duty");
        v1.MapPost("/cadence/{id}/done", MarkDone);
        return app;
    }

    public static async Task<Ok<ListResult<CadenceView>>> ListCadence(BatonServices services, HttpContext http, [FromQuery] string? venture, CancellationToken ct)
    {
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Cadence.ListCadenceAsync(venture, ct));
    }

    public static async Task<Created<CadenceView>> CreateCadence(CreateCadenceRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var created = await services.Cadence.CreateCadenceAsync(request, ct);
        http.NoteVenture(created.Item.Scope);
        return TypedResults.Created((string?)null, created);
    }

    public static async Task<Ok<CadenceView>> MarkDone(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var done = await services.Cadence.MarkCadenceDoneAsync(id, ct);
        http.NoteVenture(done.Item.Scope);
        return TypedResults.Ok(done);
    }
}
