using System.Security.Cryptography;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Requests;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// <c>Idempotency-Key</c> on every mutating route (docs/architecture.md §7). The key is scoped to (route template, actor); the
/// request is identified by SHA-256 of method, path and body. The first request with a key runs and its answer is
/// stored — client errors (4xx) included, since they are "the first response" too; a repeat gets that answer byte for
/// byte with <c>Idempotent-Replayed: true</c>; the same key with another request is 422; a repeat while the first
/// is still running is 409. A server failure (5xx or an exception) releases the claim so the client can retry.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IRequestStore store, TimeProvider clock, TimeSpan retention)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>Answers under this size are kept whole; larger ones only as a hash (docs/architecture.md §7).</summary>
    public const int MaxStoredBodyBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var presented = http.Request.Headers[KeyHeader];
        var caller = http.Baton().Caller;
        var route = EndpointInfo.RouteTemplateOrNull(http);
        if (presented.Count == 0 || caller is null || route is null || !IsMutating(http.Request.Method) || !EndpointInfo.MatchedRouteAcceptsMethod(http))
        {
            await next(http);
            return;
        }

        if (presented.Count > 1 || !CorrelationMiddleware.IsPrintableToken(presented[0], MaxKeyLength))
        {
            await Problems.WriteValidationAsync(http, KeyHeader, $"must be one header of 1–{MaxKeyLength} printable ASCII characters (a UUID is a good choice).");
            return;
        }

        var key = new IdempotencyKey(route, caller.ActorKeyId, presented[0]!);
        var now = clock.GetUtcNow();
        var claim = await store.ClaimIdempotencyAsync(key, RequestHash(http), now, now + retention, http.RequestAborted);
        switch (claim.Result)
        {
            case IdempotencyClaimResult.Replay:
                await ReplayAsync(http, claim.Response!);
                return;
            case IdempotencyClaimResult.Mismatch:
                await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was already used for a different request on this route. Use a new key for a new request.");
                return;
            case IdempotencyClaimResult.InFlight:
                await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyInFlight,
                    "The first request with this Idempotency-Key is still running. Retry in a moment to get its answer.");
                return;
            default:
                await RunAndRememberAsync(http, key);
                return;
        }
    }

    private async Task RunAndRememberAsync(HttpContext http, IdempotencyKey key)
    {
        var response = http.Response;
        var clientBody = response.Body;
        using var captured = new MemoryStream();
        response.Body = captured;
        try
        {
            await next(http);
        }
        catch
        {
            response.Body = clientBody;
            // CancellationToken.None: the claim must be released even when the client has gone away.
            await store.ReleaseIdempotencyAsync(key, CancellationToken.None);
            throw;
        }
        response.Body = clientBody;

        if (response.StatusCode >= 500)
        {
            await store.ReleaseIdempotencyAsync(key, CancellationToken.None);
        }
        else
        {
            var body = captured.ToArray();
            var stored = new StoredResponse(
                response.StatusCode,
                response.ContentType ?? "",
                body.Length < MaxStoredBodyBytes ? body : null,
                Convert.ToHexStringLower(SHA256.HashData(body)),
                response.Headers.Location.Count > 0 ? response.Headers.Location.ToString() : null);
            await store.CompleteIdempotencyAsync(key, stored, CancellationToken.None);
        }

        captured.Position = 0;
        await captured.CopyToAsync(clientBody, http.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext http, StoredResponse stored)
    {
        var response = http.Response;
        response.StatusCode = stored.Status;
        response.Headers[ReplayedHeader] = "true";
        if (stored.Location is not null) response.Headers.Location = stored.Location;

        if (stored.Body is null)
        {
            // The first answer was too large to keep: say so rather than pretend an empty body was the answer.
            var note = Encoding.UTF8.GetBytes(
                $"{{\"replayed\":true,\"body_kept\":false,\"body_sha256\":\"{stored.BodyHash}\",\"detail\":\"The first answer was 64 KB or more and was not kept; read the resource again.\"}}");
            response.ContentType = "application/json";
            response.ContentLength = note.Length;
            await response.Body.WriteAsync(note, http.RequestAborted);
            return;
        }

        if (stored.ContentType.Length > 0) response.ContentType = stored.ContentType;
        response.ContentLength = stored.Body.Length;
        await response.Body.WriteAsync(stored.Body, http.RequestAborted);
    }

    private static string RequestHash(HttpContext http)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(http.Request.Method + "\n" + http.Request.Path.Value + "\n"));
        hash.AppendData(http.Baton().Body ?? []);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsMutating(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsPatch(method);
}
