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

/// <summary>Alerts (issue 7): list with exact totals, raise from other sources (admin), resolve by hand with a reason.</summary>
internal static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Alerts");
        v1.MapGet("/alerts", ListAlerts);
        v1.MapPost("/alerts", CreateAlert).RequireAdmin("Raising an alert");
        v1.MapPost("/alerts/{id}/resolve", ResolveAlert);
        return app;
    }

    /// <summary>Open default-branch alerts unless asked otherwise; <c>total</c> is exact, and the other-branch and unowned counts come along.</summary>
    public static async Task<Ok<AlertListResponse>> ListAlerts(
        BatonServices services, HttpContext http,
        [FromQuery] string? venture,
        [FromQuery] string? status,
        [FromQuery] string? branch,
        [FromQuery(Name = "all_branches")] string? allBranches,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken ct)
    {
        var request = new AlertListRequest(venture, AlertStatusOrNull(status), branch, QueryValues.BooleanOrNull("all_branches", allBranches),
            QueryValues.LimitOrNull(limit), cursor);
        http.NoteVenture(venture);
        return TypedResults.Ok(await services.Alerts.ListAlertsAsync(request, ct));
    }

    public static async Task<Created<Alert>> CreateAlert(CreateAlertRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var alert = await services.Alerts.CreateAlertAsync(request, ct);
        http.NoteVenture(alert.Venture);
        return TypedResults.Created((string?)null, alert);
    }

    public static async Task<Ok<Alert>> ResolveAlert(string id, ResolveAlertRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var alert = await services.Alerts.ResolveAlertAsync(id, request, ct);
        http.NoteVenture(alert.Venture);
        return TypedResults.Ok(alert);
    }

    private static AlertStatus? AlertStatusOrNull(string? text) => text switch
    {
        null or "" => null,
        "open" => AlertStatus.Open,
        "resolved" => AlertStatus.Resolved,
        _ => throw BatonException.Validation("status", "must be open or resolved (default open)."),
    };
}
