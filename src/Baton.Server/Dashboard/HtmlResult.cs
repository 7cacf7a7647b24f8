using System.Text;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Dashboard;

/// <summary>
/// A dashboard answer: HTML with the headers every dashboard response carries — a Content-Security-Policy without
/// <c>unsafe-inline</c> (scripts and styles come only from <c>/assets/</c>; so even markup that slipped through could
/// not run a script), no framing, no sniffing, no caching of data.
/// </summary>
internal sealed class HtmlResult(Html body, int statusCode = StatusCodes.Status200OK) : IResult
{
    /// <summary>
    /// <c>style-src 'self'</c> refuses <c>style="…"</c> attributes too: markup (SVG included) uses classes and SVG's
    /// presentation attributes (<c>fill</c>, <c>stroke</c>, <c>width</c>) instead.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void WriteSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
    }

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "text/html; charset=utf-8";
        WriteSecurityHeaders(http.Response);
        await http.Response.WriteAsync(body.ToString(), Encoding.UTF8, http.RequestAborted);
    }
}
