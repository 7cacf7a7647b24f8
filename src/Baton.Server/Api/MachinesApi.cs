using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>The fleet: machines register themselves (idempotent on hostname), send heartbeats, and are listed.</summary>
internal static class MachinesApi
{
    public static IEndpointRouteBuilder MapMachinesApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Machines");
        v1.MapPost("/machines", RegisterMachine);
        v1.MapPost("/machines/{id}/heartbeat", Heartbeat);
        v1.MapGet("/machines", ListMachines);
        v1.MapGet("/machines/{id}", GetMachine);
        return app;
    }

    /// <summary>201 with a Location for a new hostname, 200 when an existing machine was updated.</summary>
    public static async Task<Results<Created<MachineRegistration>, Ok<MachineRegistration>>> RegisterMachine(
        RegisterMachineRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var registration = await services.Machines.RegisterMachineAsync(request, ct);
        return registration.Created
            ? TypedResults.Created($"/v1/machines/{registration.Machine.Id}", registration)
            : TypedResults.Ok(registration);
    }

    public static async Task<Ok<MachineInfo>> Heartbeat(string id, BatonServices services, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await services.Machines.HeartbeatMachineAsync(id, ct));

    public static async Task<Ok<MachineInfo>> GetMachine(string id, BatonServices services, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await services.Machines.GetMachineAsync(id, ct));

    public static async Task<Ok<Page<MachineInfo>>> ListMachines(
        BatonServices services, HttpContext http,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct) =>
        TypedResults.Ok(await services.Machines.ListMachinesAsync(new MachineListRequest(QueryValues.LimitOrNull(limit), cursor), ct));
}
