using System.Globalization;
using Baton.Core.Claims;
using Baton.Core.Common;

namespace Baton.Client;

// Claims over HTTP (docs/architecture.md §15 Claims): the same IClaimService local mode calls in process.
public sealed partial class BatonHttpClient
{
    public Task<ClaimResponse> ClaimAsync(CreateClaimRequest request, CancellationToken ct) =>
        SendAsync<ClaimResponse>(HttpMethod.Post, "v1/claims", request, ct);

    public Task<Claim> ReleaseClaimAsync(string id, CancellationToken ct) =>
        SendAsync<Claim>(HttpMethod.Delete, $"v1/claims/{Segment(id)}", null, ct);

    public Task<Claim> GetClaimAsync(string id, CancellationToken ct) =>
        SendAsync<Claim>(HttpMethod.Get, $"v1/claims/{Segment(id)}", null, ct);

    public Task<Page<Claim>> ListClaimsAsync(ClaimListRequest request, CancellationToken ct) =>
        SendAsync<Page<Claim>>(HttpMethod.Get, "v1/claims" + Query(
            ("venture", request.Venture),
            ("repo", request.Repo),
            ("session", request.SessionId),
            ("limit", request.Limit?.ToString(CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<ClaimCheck> CheckAsync(CheckClaimsRequest request, CancellationToken ct) =>
        SendAsync<ClaimCheck>(HttpMethod.Post, "v1/claims/check", request, ct);
}
