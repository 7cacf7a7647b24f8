using Baton.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// Takes <c>X-Correlation-Id</c> from the request when it is short and printable, otherwise makes a new
/// <c>corr_&lt;uuid&gt;</c>, and echoes it on every response (set before anything else runs, so even a 500 carries it).
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>Long enough for a UUID with a prefix or a trace id; short enough that nobody logs a payload through it.</summary>
    public const int MaxLength = 128;

    public Task InvokeAsync(HttpContext http)
    {
        var supplied = http.Request.Headers[HeaderName];
        var correlationId = supplied.Count == 1 && IsAcceptable(supplied[0]) ? supplied[0]! : IdGenerator.NewCorrelationId();

        http.Features.Set(new BatonRequestFeature(correlationId));
        http.Response.Headers[HeaderName] = correlationId;
        return next(http);
    }

    /// <summary>Printable ASCII without spaces, 1–128 characters: safe to store, log and echo in a header.</summary>
    public static bool IsAcceptable(string? value) => IsPrintableToken(value, MaxLength);

    /// <summary>1–<paramref name="maxLength"/> printable ASCII characters, no spaces: what a client-chosen id may be.</summary>
    public static bool IsPrintableToken(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength) return false;
        foreach (var c in value)
        {
            if (c is < '!' or > '~') return false;
        }
        return true;
    }
}
