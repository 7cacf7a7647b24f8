namespace Baton.Server.Http;

/// <summary>The request limits the pipeline enforces (from the server options), registered for the middleware that needs them.</summary>
/// <param name="MaxRequestBodyBytes">Largest request body accepted; larger is 413 <c>request_too_large</c>.</param>
internal sealed record RequestLimits(int MaxRequestBodyBytes);
