using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;

namespace Baton.Server.Http;

/// <summary>
/// Turns whatever went wrong into a problem answer. It is used twice in the pipeline: innermost, right around the
/// endpoint, so the idempotency layer sees (and stores) the problem a handler produced exactly as the client gets it;
/// and outermost, for failures in the pipeline itself. An unexpected exception is logged to stderr with the
/// correlation id and answered 500 with a generic detail: its message, stack and any SQL stay in the log.
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception error)
        {
            if (http.Response.HasStarted)
            {
                logger.LogError(error, "Request {CorrelationId} failed after its answer had started", http.Baton().CorrelationId);
                http.Abort();
                return;
            }
            // Not Response.Clear(): that would also drop the correlation and rate-limit headers already set.
            await WriteProblemForAsync(http, error);
            return;
        }

        await WriteProblemForEmptyStatusAsync(http);
    }

    private Task WriteProblemForAsync(HttpContext http, Exception error)
    {
        switch (error)
        {
            case BatonException problem:
                return Problems.WriteAsync(http, problem);

            case StoreUnavailableException storage:
                // Not a bug: the disk or the database server. Said once in the log (with the store's own words), and
                // answered 507 storage_full or 503 storage_unavailable naming where (docs/architecture.md §8).
                logger.LogWarning("Request {CorrelationId} {Method} {Path}: {Failure}", http.Baton().CorrelationId, http.Request.Method, http.Request.Path.Value, storage.Message);
                return Problems.WriteAsync(http, storage.ToProblem());

            case BadHttpRequestException { InnerException: JsonException json }:
                var requestType = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
                return Problems.WriteAsync(http, JsonErrorDescriber.Describe(json, http.Baton().Body, requestType));

            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return BodyBufferMiddleware.WriteTooLargeAsync(http);

            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                return BodyBufferMiddleware.WriteUnsupportedMediaTypeAsync(http, http.Request.ContentType);

            case BadHttpRequestException:
                // Mostly minimal APIs saying "required body not provided" (an empty body or a JSON `null`); also a body
                // the server could not read at all.
                return Problems.WriteValidationAsync(http, "body", "is missing or unreadable: send one JSON object with Content-Type: application/json (see /openapi/v1.json).");

            default:
                var correlationId = http.Baton().CorrelationId;
                logger.LogError(error, "Request {CorrelationId} {Method} {Path} failed", correlationId, http.Request.Method, http.Request.Path.Value);
                return Problems.WriteAsync(http, ErrorCodes.Internal,
                    $"The server could not complete this request. Retry later; if it keeps failing, report correlation id {correlationId}.");
        }
    }

    /// <summary>
    /// Routing answers an unknown path with a bare 404 and a wrong method with a bare 405, and the framework may set
    /// other error statuses without a body; give every such answer the same problem shape as every other error, so
    /// no error Baton answers is anything but problem+json with a code.
    /// </summary>
    private static Task WriteProblemForEmptyStatusAsync(HttpContext http)
    {
        var response = http.Response;
        if (response.HasStarted || response.ContentType is not null || response.StatusCode < 400) return Task.CompletedTask;

        var method = http.Request.Method;
        var path = http.Request.Path.Value;
        return response.StatusCode switch
        {
            StatusCodes.Status404NotFound => Problems.WriteAsync(http, ErrorCodes.NotFound,
                $"There is no route {method} {path}. The routes are listed at /openapi/v1.json."),
            StatusCodes.Status405MethodNotAllowed => Problems.WriteAsync(http, ErrorCodes.MethodNotAllowed,
                $"{path} does not accept {method}; the Allow header lists what it does accept."),
            StatusCodes.Status415UnsupportedMediaType => BodyBufferMiddleware.WriteUnsupportedMediaTypeAsync(http, http.Request.ContentType),
            var status => Problems.WriteAsync(http, status, CodeForStatus(status), ErrorCodes.TitleOf(CodeForStatus(status)),
                $"The request was answered {status}. The routes and what they accept are at /openapi/v1.json.", null),
        };
    }

    /// <summary>The first code of that status in <see cref="ErrorCodes"/>; a 4xx without one is "not valid", a 5xx internal.</summary>
    private static string CodeForStatus(int status) =>
        ErrorCodes.All.FirstOrDefault(code => ErrorCodes.StatusOf(code) == status)
        ?? (status < 500 ? ErrorCodes.ValidationFailed : ErrorCodes.Internal);
}
