using Baton.Core.Alerts;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Baton.Server.Api;

/// <summary>What a delivery did, as GitHub's "Recent Deliveries" page will show it.</summary>
public sealed record WebhookReceipt(string Result, string Message, string? Venture, string? AlertId, string? AlertChange);

/// <summary>
/// GitHub webhooks (issue 7). <c>POST /v1/webhooks/github</c> is authenticated by its <c>X-Hub-Signature-256</c>, not a
/// bearer key (the auth middleware lets it through; <see cref="WebhookService"/> checks the signature before parsing).
/// The secret is set by an admin and never read back.
/// </summary>
internal static class WebhooksApi
{
    public const string GitHubPath = "/v1/webhooks/github";

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(GitHubPath, ReceiveGitHub).WithTags("Webhooks");
        app.MapPut("/v1/admin/webhooks/github/secret", SetSecret).WithTags("Webhooks").RequireAdmin("Setting the webhook secret");
        return app;
    }

    public static async Task<Ok<WebhookReceipt>> ReceiveGitHub(HttpContext http, BatonServiceFactory factory, ILoggerFactory loggers, CancellationToken ct)
    {
        var headers = http.Request.Headers;
        var delivery = headers[GitHubWebhook.DeliveryHeader].ToString();
        var service = factory.Webhooks();
        try
        {
            // The body was read whole, unparsed, by the body middleware: the signature is over exactly these bytes.
            var answer = await service.HandleGitHubAsync(headers[GitHubWebhook.EventHeader].ToString(), delivery,
                headers.TryGetValue(GitHubWebhook.SignatureHeader, out var signature) ? signature.ToString() : null,
                http.Baton().Body ?? [], ct);
            http.NoteVenture(answer.Venture);
            var change = answer.Change.Kind == AlertChangeKind.None ? null : answer.Change.Kind.ToString().ToLowerInvariant();
            return TypedResults.Ok(new WebhookReceipt(answer.Result.ToString().ToLowerInvariant(), answer.Message, answer.Venture, answer.Change.Alert?.Id, change));
        }
        catch (BatonException ex) when (ex.Code == ErrorCodes.Unauthorized)
        {
            // Never the body: an unverified body is attacker-controlled and may be large.
            loggers.CreateLogger("Baton.Webhooks").LogWarning(
                "Rejected a GitHub delivery ({Delivery}) from {Remote}: signature missing or invalid.",
                delivery.Length is > 0 and <= 100 ? delivery : "(no delivery id)", http.Connection.RemoteIpAddress);
            throw;
        }
    }

    public static async Task<Ok<WebhookSecretSet>> SetSecret(SetWebhookSecretRequest request, BatonServices services, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await services.Alerts.SetWebhookSecretAsync(request, ct));
}
