using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Versioned docs: upload, the index a venture sees, one doc (any version), and the doc audit (issue 3).</summary>
internal static class DocsApi
{
    public static IEndpointRouteBuilder MapDocsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Docs");
        // The audit is a literal segment, which routing prefers over parameters; it also has one segment fewer than
        // {scope}/{name}, so "audit" can never be read as a scope.
        v1.MapGet("/docs/audit", Audit);
        v1.MapGet("/docs/search", SearchDocs);
        v1.MapGet("/docs", ListDocs);
        v1.MapGet("/docs/{scope}/{name}", GetDoc);
        // Under /admin because uploading is an admin task; agent keys still reach the handler, because the service
        // grants them the healing exception (a generated doc a requirement of their venture asks for).
        app.MapGroup("/v1/admin").WithTags("Docs").MapPut("/docs/{scope}/{name}", PutDoc);
        return app;
    }

    /// <summary>200 whether or not the content changed: <c>changed</c> and <c>message</c> say which.</summary>
    public static async Task<Ok<DocPutResponse>> PutDoc(string scope, string name, PutDocRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var answer = await services.Docs.PutDocAsync(scope, name, request, ct);
        http.NoteVenture(answer.Doc.Scope);
        return TypedResults.Ok(answer);
    }

    /// <summary>Metadata only, never content: the index is meant to be cheap enough for every briefing.</summary>
    public static async Task<Ok<ListResult<DocSummary>>> ListDocs(BatonServices services, HttpContext http, [FromQuery] string? venture, CancellationToken ct)
    {
        var docs = await services.Docs.ListDocsAsync(string.IsNullOrEmpty(venture) ? null : venture, ct);
        http.NoteVenture(venture);
        return TypedResults.Ok(docs);
    }

    public static async Task<Ok<ListResult<DocHit>>> SearchDocs(BatonServices services, HttpContext http,
        [FromQuery] string? q, [FromQuery] string? venture, [FromQuery] string? limit, CancellationToken ct)
    {
        var hits = await services.Docs.SearchDocsAsync(
            new DocSearchRequest(q, string.IsNullOrEmpty(venture) ? null : venture, QueryValues.WholeNumberOrNull("limit", limit)), ct);
        http.NoteVenture(venture);
        return TypedResults.Ok(hits);
    }

    public static async Task<Ok<Doc>> GetDoc(string scope, string name, BatonServices services, HttpContext http, [FromQuery] string? version, CancellationToken ct)
    {
        var doc = await services.Docs.GetDocAsync(scope, name, QueryValues.WholeNumberOrNull("version", version), ct);
        http.NoteVenture(doc.Scope);
        return TypedResults.Ok(doc);
    }

    public static async Task<Ok<DocAuditResult>> Audit(BatonServices services, HttpContext http, [FromQuery] string? venture, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(venture))
            throw BatonException.Validation("venture", "is required: the audit is of one venture (GET /v1/docs/audit?venture=<code>).");
        var audit = await services.Docs.AuditAsync(venture, ct);
        http.NoteVenture(audit.Venture);
        return TypedResults.Ok(audit);
    }
}
