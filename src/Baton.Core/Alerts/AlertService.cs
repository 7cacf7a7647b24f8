using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Alerts;

/// <summary>Local implementation of <see cref="IAlertService"/>: alerts read by anyone for their venture, written and resolved by hand, and the webhook secret (admin).</summary>
internal sealed class AlertService(IAlertStore alerts, IVentureStore ventures, BatonCore core, Caller caller) : IAlertService
{
    public async Task<AlertListResponse> ListAlertsAsync(AlertListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        var branch = v.Text("branch", request.Branch, AlertLimits.Branch);
        v.ThrowIfAny();

        var venture = caller.ScopeFilter(request.Venture);
        var status = request.Status ?? AlertStatus.Open;
        // A named branch is an explicit ask; otherwise the default branch is what matters unless all are asked for.
        var defaultOnly = branch is null && request.AllBranches != true;
        var page = alerts.ListAlertsAsync(new AlertQuery(venture, status, branch, defaultOnly, new PageRequest(limit, request.Cursor)), ct);
        var all = alerts.ListAlertsAsync(new AlertQuery(venture, AlertStatus.Open, null, false, PageRequest.First(1)), ct);
        var onDefault = alerts.ListAlertsAsync(new AlertQuery(venture, AlertStatus.Open, null, true, PageRequest.First(1)), ct);
        var stats = alerts.GetWebhookStatsAsync(venture, ct);
        await Task.WhenAll(page, all, onDefault, stats);

        return new AlertListResponse(page.Result.Items, page.Result.Total, page.Result.NextCursor,
            all.Result.Total - onDefault.Result.Total, stats.Result.UnownedDeliveries, stats.Result.UnownedRepos);
    }

    public async Task<Alert> CreateAlertAsync(CreateAlertRequest request, CancellationToken ct)
    {
        // Who may ask comes before what was asked: an agent key learns nothing about the body's rules.
        caller.EnsureAdmin("Raising an alert");
        var v = new Validator();
        var ventureCode = v.Required("venture", request.Venture, 12);
        var repoText = v.Required("repo", request.Repo, AlertLimits.Repo);
        var workflow = v.Required("workflow", request.Workflow, AlertLimits.Workflow);
        var branch = v.Required("branch", request.Branch, AlertLimits.Branch);
        var source = v.Required("source", request.Source, AlertLimits.Source);
        var url = v.Text("url", request.Url, AlertLimits.Url);
        v.ThrowIfAny();

        var venture = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var repo = VentureRules.NormalizeRepo(repoText, venture);
        var defaultBranch = await alerts.FindRepoDefaultBranchOrNullAsync(repo, ct);
        var now = core.Now();
        var change = await alerts.ApplyAlertSignalAsync(new AlertSignal(
            AlertSignalKind.Failure, venture.Code, repo, workflow, branch, source, request.Severity ?? AlertSeverity.Medium,
            AlertRules.IsDefaultBranch(branch, defaultBranch), url, now, $"api:{caller.ActorKeyId}", core.Ids.New(IdGenerator.Alert)), ct);
        return change.Alert!;
    }

    public async Task<Alert> ResolveAlertAsync(string id, ResolveAlertRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Required("reason", request.Reason, 500);
        v.ThrowIfAny();

        var alert = await alerts.FindAlertOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(alert.Venture);
        return await alerts.ResolveAlertAsync(id, core.Now(), $"key:{caller.ActorKeyId}", reason, ct) ?? throw NotFound(id);
    }

    public async Task<WebhookSecretSet> SetWebhookSecretAsync(SetWebhookSecretRequest request, CancellationToken ct)
    {
        caller.EnsureAdmin("Setting the webhook secret");
        var v = new Validator();
        var secret = v.Required("secret", request.Secret, 256);
        if (secret.Length is > 0 and < 16) v.Add("secret", "must be at least 16 characters; GitHub suggests a long random string.");
        v.ThrowIfAny();

        var now = core.Now();
        await alerts.SetWebhookSecretAsync(secret, now, ct);
        return new WebhookSecretSet(now,
            "The GitHub webhook secret is set. Give GitHub the same secret on each repo's webhook (content type application/json, " +
            "events: workflow runs and check suites) pointing at <server>/v1/webhooks/github. It is not shown again.");
    }

    private static BatonException NotFound(string id) =>
        new(ErrorCodes.AlertNotFound, $"There is no alert '{id}'. `baton alerts --all-branches` lists the open ones.");
}
