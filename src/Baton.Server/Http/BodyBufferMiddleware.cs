using System.Buffers;
using System.Globalization;
using Baton.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>
/// Reads the body of a mutating request once, whole, enforcing the size limit whether the client declared a
/// Content-Length or streamed it chunked; over the limit is 413 <c>request_too_large</c>. The bytes are kept on the
/// request feature (idempotency hashes them; a JSON error is diagnosed from them) and the body stream is replaced by
/// a memory stream so minimal API binding reads the same bytes.
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
        await next(http);
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
