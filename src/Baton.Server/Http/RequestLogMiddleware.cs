using Baton.Core.Requests;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// One request-log entry per request: when, correlation id, route template, method, status, duration, actor, venture
/// and error code — never a body or a header value. Entries go to <see cref="RequestLogWriter"/>'s queue; the request
/// does not wait for the store.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, RequestLogWriter writer, TimeProvider clock)
{
    /// <summary>What the log names a request that matched no route (its path could carry anything).</summary>
    public const string UnmatchedRoute = "(unmatched)";

    public async Task InvokeAsync(HttpContext http)
    {
        var startedAt = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var feature = http.Baton();
            writer.Enqueue(new RequestLogEntry(
                startedAt,
                feature.CorrelationId,
                EndpointInfo.RouteTemplateOrNull(http) ?? UnmatchedRoute,
                http.Request.Method,
                http.Response.StatusCode,
                clock.GetElapsedTime(started).TotalMilliseconds,
                feature.Caller?.ActorKeyId,
                feature.Venture ?? feature.Caller?.VentureScope,
                feature.ErrorCode));
        }
    }
}
