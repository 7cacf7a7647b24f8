using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Http;

/// <summary>The body of every error answer: RFC 9457 problem details plus Baton's stable code and the correlation id.</summary>
internal sealed record ProblemDocument(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    string CorrelationId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>
/// The one problem-details path: every error answer the server gives is written here, so they all share a shape,
/// carry the correlation id, and record their code for the request log. Nothing written here ever comes from an
/// exception message: callers pass a detail written for the client.
/// </summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext http, BatonException problem) =>
        WriteAsync(http, problem.Status, problem.Code, problem.Title, problem.Detail, problem.Errors);

    /// <summary>Writes a problem whose code is in <see cref="ErrorCodes"/> (status and title come from its table).</summary>
    public static Task WriteAsync(HttpContext http, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        WriteAsync(http, ErrorCodes.StatusOf(code), code, ErrorCodes.TitleOf(code), detail, errors);

    public static async Task WriteAsync(HttpContext http, int status, string code, string title, string detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var feature = http.Baton();
        feature.ErrorCode = code;

        var document = new ProblemDocument("urn:baton:problem:" + code, title, status, detail, code, feature.CorrelationId, errors);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, BatonJson.Options);

        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    /// <summary>A validation problem about one field (body field, query parameter or header).</summary>
    public static Task WriteValidationAsync(HttpContext http, string field, string message) =>
        WriteAsync(http, BatonException.Validation(field, message));
}
