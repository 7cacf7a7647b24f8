using Baton.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// What the pipeline learns about one request, in one place: set by the middleware that knows it and read by the
/// request log and the problem writer. One small object per request instead of several <c>Items</c> lookups.
/// </summary>
internal sealed class BatonRequestFeature(string correlationId)
{
    public string CorrelationId { get; } = correlationId;

    /// <summary>Set by authentication; null for unauthenticated routes and rejected keys.</summary>
    public Caller? Caller { get; set; }

    /// <summary>The venture the request concerned, when a handler knows it (for the request log).</summary>
    public string? Venture { get; set; }

    /// <summary>The problem code of the answer, when the answer was a problem (for the request log).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The whole request body, read once by <see cref="BodyBufferMiddleware"/> (mutating requests only).</summary>
    public byte[]? Body { get; set; }
}

internal static class BatonRequestFeatureExtensions
{
    /// <summary>The request's feature; the correlation middleware always sets it first.</summary>
    public static BatonRequestFeature Baton(this HttpContext http) =>
        http.Features.Get<BatonRequestFeature>() ?? throw new InvalidOperationException("The correlation middleware must run first.");
}

internal static class EndpointInfo
{
    /// <summary>The matched route template (<c>/v1/sessions/{id}/heartbeat</c>), or null when no route matched.</summary>
    public static string? RouteTemplateOrNull(HttpContext http) =>
        (http.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText;

    /// <summary>True when a real route (not routing's 405 answer) matched this request's method.</summary>
    public static bool MatchedRouteAcceptsMethod(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>() is { } methods
        && methods.HttpMethods.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase);
}
