using System.Buffers;
using System.Globalization;
using Baton.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Baton.Server.Http;

/// <summary>
/// Reads the body of a mutating request once, whole, enforcing the size limit whether the client declared a
/// Content-Length or streamed it chunked; over the limit is 413 <c>request_too_large</c>. The bytes are kept on the
/// request feature (idempotency hashes them; a JSON error is diagnosed from them) and the body stream is replaced by
/// a memory stream so minimal API binding reads the same bytes.
/// <para>
/// For a route that binds a JSON body this is also the one place the body's text is checked before any handler or
/// service sees it: its Content-Type must be JSON in UTF-8 (else 415 <c>unsupported_media_type</c>), and the text
/// must pass <see cref="JsonInput.Check"/> (no duplicate keys, invalid UTF-8, lone surrogates, or nesting too deep;
/// else 400 naming the path). The GitHub webhook binds no body: its service runs the same check after the signature.
/// </para>
/// </summary>
internal sealed class BodyBufferMiddleware(RequestDelegate next, int maxBodyBytes)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsDelete(request.Method) && !HttpMethods.IsPatch(request.Method))
        {
            await next(http);
            return;
        }

        if (request.ContentLength > maxBodyBytes)
        {
            await WriteTooLargeAsync(http);
            return;
        }

        var body = request.ContentLength is { } length
            ? await ReadExactlyAsync(request.Body, (int)length, http.RequestAborted)
            : await ReadUpToLimitOrNullAsync(request.Body, maxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            await WriteTooLargeAsync(http);
            return;
        }

        http.Baton().Body = body;
        request.Body = new MemoryStream(body, writable: false);

        if (http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: not null })
        {
            // An empty body with no Content-Type is left to binding, which names the missing body.
            if ((body.Length > 0 || !string.IsNullOrEmpty(request.ContentType)) && !IsJsonInUtf8(request.ContentType))
            {
                await WriteUnsupportedMediaTypeAsync(http, request.ContentType);
                return;
            }
            if (body.Length > 0 && JsonInput.Check(body) is { } problem)
            {
                await Problems.WriteAsync(http, problem);
                return;
            }
        }
        await next(http);
    }

    /// <summary>
    /// <c>application/json</c> or <c>application/*+json</c>, with no charset or UTF-8: the body is read as UTF-8
    /// bytes, and a charset the runtime does not know (<c>charset=bogus</c>) must not reach the reader.
    /// </summary>
    internal static bool IsJsonInUtf8(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type) return false;
        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                     || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isJson) return false;
        // Unquoted only: the framework's JSON reader fails on charset="utf-8", so that is refused here rather than a 500.
        var charset = media.Charset.Value;
        return string.IsNullOrEmpty(charset) || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    public static Task WriteUnsupportedMediaTypeAsync(HttpContext http, string? contentType)
    {
        var got = string.IsNullOrEmpty(contentType) ? "no Content-Type" : $"Content-Type '{(contentType.Length > 100 ? contentType[..100] + "…" : contentType)}'";
        return Problems.WriteAsync(http, ErrorCodes.UnsupportedMediaType,
            $"This route reads a JSON body, and the request had {got}. Send the body as JSON with Content-Type: application/json (UTF-8; curl: -H 'Content-Type: application/json').",
            new Dictionary<string, string[]> { ["content_type"] = ["must be application/json (UTF-8)."] });
    }

    /// <summary>A body of declared length (already checked against the limit; Kestrel holds the client to it): one array.</summary>
    private static async Task<byte[]> ReadExactlyAsync(Stream body, int length, CancellationToken ct)
    {
        var bytes = new byte[length];
        await body.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    /// <summary>A streamed (chunked) body, or null as soon as it exceeds <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadUpToLimitOrNullAsync(Stream body, int limit, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            int read;
            try
            {
                read = await body.ReadAsync(memory, ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                // Kestrel's own limit (set to the same value) noticed first.
                return null;
            }
            if (read == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }

    public static Task WriteTooLargeAsync(HttpContext http)
    {
        var limit = http.RequestServices.GetService(typeof(RequestLimits)) is RequestLimits limits ? limits.MaxRequestBodyBytes : 0;
        // Ask the client not to reuse this connection: the unread rest of the body would otherwise have to be drained.
        http.Response.Headers.Connection = "close";
        return Problems.WriteAsync(http, ErrorCodes.RequestTooLarge,
            string.Create(CultureInfo.InvariantCulture,
                $"The request body is larger than the {limit:N0}-byte limit. Send less: for a handoff, move bulky content into a doc or a note and reference it."));
    }
}
