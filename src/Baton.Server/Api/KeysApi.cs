using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Keys;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>API keys (admin only; the key service enforces the role).</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Keys");
        admin.MapPost("/keys", CreateKey).RequireAdmin("Creating a key");
        admin.MapGet("/keys", ListKeys).RequireAdmin("Listing keys");
        admin.MapDelete("/keys/{id}", RevokeKey).RequireAdmin("Revoking a key");
        return app;
    }

    /// <summary>201 with the key itself: the only time it is ever shown. No Location: keys are not readable one by one.</summary>
    public static async Task<Created<CreatedKey>> CreateKey(CreateKeyRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var created = await services.Keys.CreateKeyAsync(request, ct);
        http.NoteVenture(created.Venture);
        return TypedResults.Created((string?)null, created);
    }

    public static async Task<Ok<ListResult<ApiKeyInfo>>> ListKeys(BatonServices services, HttpContext http, CancellationToken ct)
    {
        var keys = await services.Keys.ListKeysAsync(ct);
        return TypedResults.Ok(new ListResult<ApiKeyInfo>(keys, keys.Count));
    }

    public static async Task<Ok<ApiKeyInfo>> RevokeKey(string id, BatonServices services, KeyCache keyCache, HttpContext http, CancellationToken ct)
    {
        var revoked = await services.Keys.RevokeKeyAsync(id, ct);
        // Revocation takes effect with the very next request, not when the cache entry would have expired.
        keyCache.Invalidate(revoked.Id);
        http.NoteVenture(revoked.Venture);
        return TypedResults.Ok(revoked);
    }
}
