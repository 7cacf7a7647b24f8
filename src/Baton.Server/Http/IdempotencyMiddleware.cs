using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Baton.Server.Http;

/// <summary>
/// <c>Idempotency-Key</c> on every mutating route (docs/architecture.md §7, decisions/0013-idempotency-commits-with-the-write.md).
/// The key is scoped to (route template, actor); the request is identified by SHA-256 of method, path and body.
/// <para>
/// A request with a key runs under an <see cref="IdempotencyScope"/>: every store write it makes commits the key's
/// record — with the write's result — in the write's own transaction. The answer is stored afterwards (4xx included:
/// it is "the first response" too), a step a crash may lose. So after a crash at any point a retry finds either
/// nothing (nothing was written: it is performed), the writes without the answer (it runs again and each write is
/// answered from its stored result, writing nothing twice), or the answer (replayed byte for byte with
/// <c>Idempotent-Replayed: true</c>). Nothing is ever left "in flight": a repeat while the first is still running in
/// this process is 409, which is known here in memory and dies with the process; the same key with another request is
/// 422. A repeat racing on another replica waits for the first's write on the record's row and reuses its result.
/// </para>
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IRequestStore store, TimeProvider clock, ILogger<IdempotencyMiddleware> logger, TimeSpan retention)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>Answers under this size are kept whole; larger ones only as a hash (docs/architecture.md §7).</summary>
    public const int MaxStoredBodyBytes = 64 * 1024;

    /// <summary>Keys whose request is running in this process (the middleware is one instance per server).</summary>
    private readonly ConcurrentDictionary<IdempotencyKey, byte> _running = new();

    public async Task InvokeAsync(HttpContext http)
    {
        var presented = http.Request.Headers[KeyHeader];
        if (presented.Count == 0)
        {
            // Most requests carry no key (every GET): nothing below applies to them.
            await next(http);
            return;
        }
        var caller = http.Baton().Caller;
        var route = EndpointInfo.RouteTemplateOrNull(http);
        if (caller is null || route is null || !IsMutating(http.Request.Method) || !EndpointInfo.MatchedRouteAcceptsMethod(http))
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
        if (!_running.TryAdd(key, 0))
        {
            await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyInFlight,
                "The first request with this Idempotency-Key is still running. Retry in a moment to get its answer.");
            return;
        }

        try
        {
            var now = clock.GetUtcNow();
            var requestHash = RequestHash(http);
            var stored = await store.FindIdempotencyAsync(key, now, http.RequestAborted);
            if (stored is not null && !string.Equals(stored.RequestHash, requestHash, StringComparison.Ordinal))
            {
                // A different request under the same key is the caller's mistake, whether or not the first finished.
                await Problems.WriteAsync(http, ErrorCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was already used for a different request on this route. Use a new key for a new request.");
                return;
            }
            if (stored?.Response is { } answer)
            {
                await ReplayAsync(http, answer);
                return;
            }

            // Nothing stored, or the writes of an attempt whose answer was lost: run it; the store answers each write an
            // earlier attempt already made from the record instead of making it again.
            await RunAndRememberAsync(http, new IdempotencyScope(key, requestHash, now, now + retention));
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }

    private async Task RunAndRememberAsync(HttpContext http, IdempotencyScope scope)
    {
        var response = http.Response;
        var clientBody = response.Body;
        using var captured = new MemoryStream();
        response.Body = captured;
        try
        {
            using (IdempotencyScope.Enter(scope))
            {
                await next(http);
            }
        }
        finally
        {
            response.Body = clientBody;
        }

        // A server failure is not an answer worth replaying: a retry runs again (its committed writes, if any, are
        // reused). A refusal because the key was someone else's is not this key's answer either.
        if (response.StatusCode < 500 && !scope.Refused)
        {
            var body = captured.ToArray();
            var answer = new StoredResponse(
                response.StatusCode,
                response.ContentType ?? "",
                body.Length < MaxStoredBodyBytes ? body : null,
                Convert.ToHexStringLower(SHA256.HashData(body)),
                response.Headers.Location.Count > 0 ? response.Headers.Location.ToString() : null);
            try
            {
                // CancellationToken.None: the answer is worth keeping even when the client has gone away.
                await store.CompleteIdempotencyAsync(scope, answer, CancellationToken.None);
            }
            catch (Exception error)
            {
                // The writes are done and committed with the record; only the copy of the answer is missing, which a
                // retry rebuilds. The client still gets its answer.
                logger.LogWarning(error, "Could not keep the answer for Idempotency-Key {Key} on {Route}; a retry will rebuild it", scope.Key.Key, scope.Key.Route);
            }
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
