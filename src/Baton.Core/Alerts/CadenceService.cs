using Baton.Core.Common;
using Baton.Core.Ventures;


namespace Baton.Core.Alerts;

/// <summary>Local implementation of <see cref="ICadenceService"/>: recurring duties, judged due or overdue when read.</summary>
internal sealed class CadenceService(IAlertStore alerts, IVentureStore ventures, BatonCore core, Caller caller) : ICadenceService
{
    public async Task<ListResult<CadenceView>> ListCadenceAsync(string? venture, CancellationToken ct)
    {
        var scope = caller.ScopeFilter(venture);
        IReadOnlyList<string>? scopes = null;
        if (scope is not null)
        {
            var v = await VentureRules.FindOrThrowAsync(ventures, scope, ct);
            scopes = v.Platform ? [v.Code, Venture.Global] : [v.Code];
        }
        var items = await alerts.ListCadenceItemsAsync(scopes, ct);
        var now = core.Now();
        var views = items.Select(i => CadenceView.From(CadenceRules.Judge(i, now))).OrderBy(c => c.DueAt).ThenBy(c => c.Item.Id, StringComparer.Ordinal).ToList();
        return new ListResult<CadenceView>(views, views.Count);
    }

    public async Task<CadenceView> CreateCadenceAsync(CreateCadenceRequest request, CancellationToken ct)
    {
        // Who may ask comes before what was asked: an agent key learns nothing about the body's rules.
        caller.EnsureAdmin("Adding a recurring duty");
        var v = new Validator();
        var scope = v.Required("scope", request.Scope, 12);
        var title = v.Required("title", request.Title, 200);
        var description = v.Text("description", request.Description, 2000, multiline: true);
        var interval = v.Required("interval_days", request.IntervalDays);
        if (request.IntervalDays is < 1 or > 3660) v.Add("interval_days", $"must be between 1 and 3660 days (got {request.IntervalDays}).");
        v.ThrowIfAny();

        if (scope != Venture.Global) await VentureRules.FindOrThrowAsync(ventures, scope, ct);
        var item = new CadenceItem(core.Ids.New(IdGenerator.Cadence), scope, title, string.IsNullOrEmpty(description) ? null : description,
            interval, core.Now(), null, null);
        // The duty as stored: a retry of a request whose answer was lost gets the one its first attempt stored.
        var stored = await alerts.InsertCadenceItemAsync(item, ct);
        return CadenceView.From(CadenceRules.Judge(stored, core.Now()));
    }

    public async Task<CadenceView> MarkCadenceDoneAsync(string id, CancellationToken ct)
    {
        var existing = await alerts.FindCadenceItemOrNullAsync(id, ct) ?? throw NotFound(id);
        if (existing.Scope == Venture.Global)
        {
            if (caller.VentureScope is not null)
                throw new BatonException(ErrorCodes.Forbidden, $"This key is scoped to '{caller.VentureScope}'; global duties need an unscoped key.");
        }
        else
        {
            caller.EnsureMayActFor(existing.Scope);
        }
        var now = core.Now();
        var done = await alerts.MarkCadenceDoneAsync(id, now, caller.ActorKeyId, ct) ?? throw NotFound(id);
        return CadenceView.From(CadenceRules.Judge(done, now));
    }

    private static BatonException NotFound(string id) =>
        new(ErrorCodes.CadenceNotFound, $"There is no recurring duty '{id}'. `baton cadence list` shows them with their ids.");
}
