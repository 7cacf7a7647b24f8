using Baton.Core.Common;

namespace Baton.Core.Spend;

/// <summary>Local implementation of <see cref="ISpendService"/>: validates, scopes to the caller's venture, asks the store once.</summary>
internal sealed class SpendService(ISpendStore store, BatonCore core, Caller caller) : ISpendService
{
    public async Task<SpendReport> GetSpendAsync(SpendRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var venture = string.IsNullOrEmpty(request.Venture) ? null : v.VentureCode("venture", request.Venture);
        var now = core.Now();
        var since = SpendRules.Since(v, "since", request.Since, now);
        var limit = v.Range("limit", request.Limit, 1, SpendRules.MaxLimit, SpendRules.DefaultLimit);
        if (since > now) v.Add("since", "must not be in the future.");
        var by = SpendRules.Grouping(v, "by", request.By);
        v.ThrowIfAny();

        // A scoped key sees only its venture: with none named, its own; another one is refused.
        var scope = caller.ScopeFilter(venture);
        var sums = await store.SumSpendAsync(new SpendQuery(scope, since, now, by, limit), ct);
        return new SpendReport(by, scope, since, now, sums.Totals, sums.GroupCount, sums.Groups, sums.FirstAt, sums.LastAt);
    }
}
