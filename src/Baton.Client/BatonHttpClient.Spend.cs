using System.Globalization;
using Baton.Core.Spend;

namespace Baton.Client;

// Spend over HTTP (docs/architecture.md §15 Spend): the same ISpendService local mode calls in process.
public sealed partial class BatonHttpClient
{
    public Task<SpendReport> GetSpendAsync(SpendRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<SpendReport>(HttpMethod.Get, "v1/spend" + Query(
            ("venture", request.Venture),
            ("since", request.Since),
            ("by", request.By),
            ("limit", request.Limit?.ToString(CultureInfo.InvariantCulture))), null, ct);
    }
}
