using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Alerts;

public enum WebhookResult
{
    /// <summary>Verified and recorded; <see cref="WebhookAnswer.Change"/> says what it did to alerts.</summary>
    Accepted,
    /// <summary>This delivery id was seen before: acknowledged, nothing changed.</summary>
    Duplicate,
    /// <summary>GitHub's <c>ping</c>, sent when a hook is created.</summary>
    Pong,
}

/// <summary>What a verified delivery did. <see cref="Venture"/> is null when no venture owns the repo (counted, reported).</summary>
public sealed record WebhookAnswer(WebhookResult Result, string Message, string? Venture, AlertChange Change);

/// <summary>
/// GitHub deliveries (issue 7). Authenticated by their signature, not by a key: the signature is checked against the
/// stored secret before a single byte of the body is parsed. A delivery id is processed once; its record and its
/// effect on alerts are written in one transaction, so a retried delivery can neither be lost nor counted twice.
/// </summary>
public sealed class WebhookService(IAlertStore alerts, IVentureStore ventures, BatonCore core)
{
    public async Task<WebhookAnswer> HandleGitHubAsync(string? eventName, string? deliveryId, string? signature, byte[] body, CancellationToken ct)
    {
        var secret = await alerts.FindWebhookSecretOrNullAsync(ct);
        if (secret is null)
            throw new BatonException(ErrorCodes.Unauthorized,
                "The delivery could not be verified: no webhook secret is set on this server. An admin sets one with `baton webhooks secret set`.");
        if (!GitHubWebhook.IsSignatureValid(secret, body, signature))
            throw new BatonException(ErrorCodes.Unauthorized,
                $"The {GitHubWebhook.SignatureHeader} header is missing or does not match the body. Configure the hook with the secret set by `baton webhooks secret set`.");

        var v = new Validator();
        var name = v.Required(GitHubWebhook.EventHeader, eventName, 100);
        var delivery = v.Required(GitHubWebhook.DeliveryHeader, deliveryId, 100);
        v.ThrowIfAny();

        // Only now, with the sender proven, is the body looked at: the same text rules as every request body.
        if (JsonInput.Check(body, "The delivery's body") is { } problem) throw problem;

        GitHubEvent parsed;
        try
        {
            parsed = GitHubWebhook.Parse(name, body, v);
        }
        catch (JsonException)
        {
            throw new BatonException(ErrorCodes.MalformedJson, "The delivery is signed but its body is not a JSON object. Send GitHub's payload with content type application/json.");
        }
        // The limits POST /v1/alerts applies (AlertLimits): an over-long value refuses the whole delivery, before
        // anything is stored, so GitHub's Recent Deliveries shows the 400 and which field it was.
        v.ThrowIfAny();

        var registry = await ventures.ListVenturesAsync(ct);
        var owner = parsed.Repo is null ? null : VentureLookup.FindForRepoOrNull(registry, parsed.Repo);
        var now = core.Now();
        var signal = owner is null || parsed.Completion is null ? null : SignalOf(owner, parsed.Completion, delivery, now);
        var outcome = await alerts.RecordWebhookDeliveryAsync(
            new WebhookDelivery(delivery, name, parsed.Repo, owner?.Code, parsed.DefaultBranch, now), signal, ct);

        if (outcome.Duplicate) return new WebhookAnswer(WebhookResult.Duplicate, $"Delivery {delivery} was already processed; nothing changed.", owner?.Code, outcome.Change);
        if (name == "ping") return new WebhookAnswer(WebhookResult.Pong, "pong", owner?.Code, outcome.Change);
        var message = parsed.Repo is null
            // An organization's hook sends some events (ping among them) for no repository: not an unowned repo.
            ? "Recorded; the delivery names no repository, so no alert changed."
            : owner is null
            ? $"No registered venture owns {parsed.Repo}; the delivery is counted as unowned. Add the repo to a venture in ventures.json."
            : outcome.Change.Kind switch
            {
                AlertChangeKind.Opened => $"Opened alert {outcome.Change.Alert!.Id}.",
                AlertChangeKind.Occurrence => $"Alert {outcome.Change.Alert!.Id} has {outcome.Change.Alert.Occurrences} occurrences.",
                AlertChangeKind.Resolved => $"Resolved alert {outcome.Change.Alert!.Id}.",
                AlertChangeKind.Kept => $"Alert {outcome.Change.Alert!.Id} stays open: this run is older than the run that last failed.",
                _ => "Recorded; no alert changed.",
            };
        return new WebhookAnswer(WebhookResult.Accepted, message, owner?.Code, outcome.Change);
    }

    private AlertSignal? SignalOf(Venture owner, CiCompletion run, string deliveryId, DateTimeOffset now)
    {
        var kind = GitHubWebhook.Classify(run.Conclusion) switch
        {
            AlertSignalKindOrNone.Failure => AlertSignalKind.Failure,
            AlertSignalKindOrNone.Success => AlertSignalKind.Success,
            _ => (AlertSignalKind?)null,
        };
        if (kind is null) return null;
        // A red CI run leaves the branch unverified whatever the cause (failure, timeout, no start): one severity.
        return new AlertSignal(kind.Value, owner.Code, run.Repo, run.Workflow, run.Branch, run.Source, AlertSeverity.High,
            AlertRules.IsDefaultBranch(run.Repo, run.HeadRepo, run.Branch, run.DefaultBranch), run.Url, now,
            AlertRules.EventRef(run.Source, deliveryId, run.RunId), core.Ids.New(IdGenerator.Alert), run.Run);
    }
}
