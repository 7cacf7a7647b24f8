using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>Doc requirements, the rules the doc audit checks (admin only: the route refuses other keys, and so does the doc service).</summary>
internal static class DocRequirementsApi
{
    public static IEndpointRouteBuilder MapDocRequirementsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").WithTags("Doc requirements");
        admin.MapGet("/doc-requirements", ListRequirements).RequireAdmin("Reading doc requirements");
        admin.MapPost("/doc-requirements", CreateRequirement).RequireAdmin("Changing doc requirements");
        admin.MapPut("/doc-requirements/{id}", ReplaceRequirement).RequireAdmin("Changing doc requirements");
        admin.MapDelete("/doc-requirements/{id}", DeleteRequirement).RequireAdmin("Changing doc requirements");
        return app;
    }

    public static async Task<Ok<ListResult<DocRequirement>>> ListRequirements(BatonServices services, HttpContext http, CancellationToken ct)
    {
        var requirements = await services.Docs.ListRequirementsAsync(ct);
        return TypedResults.Ok(new ListResult<DocRequirement>(requirements, requirements.Count));
    }

    /// <summary>201 without a Location: requirements are read through the list, there is no single-requirement route.</summary>
    public static async Task<Created<DocRequirement>> CreateRequirement(DocRequirementRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var requirement = await services.Docs.PutRequirementAsync(null, request, ct);
        http.NoteVenture(requirement.Venture);
        return TypedResults.Created((string?)null, requirement);
    }

    public static async Task<Ok<DocRequirement>> ReplaceRequirement(string id, DocRequirementRequest request, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var requirement = await services.Docs.PutRequirementAsync(id, request, ct);
        http.NoteVenture(requirement.Venture);
        return TypedResults.Ok(requirement);
    }

    /// <summary>
    /// 200 with the requirement as it was, like revoking a key answers with the key. The service only deletes, so the
    /// requirement is read first; the delete then enforces the role and answers 404 for an unknown id.
    /// </summary>
    public static async Task<Ok<DocRequirement>> DeleteRequirement(string id, BatonServices services, HttpContext http, CancellationToken ct)
    {
        var docs = services.Docs;
        var existing = (await docs.ListRequirementsAsync(ct)).FirstOrDefault(r => r.Id == id);
        await docs.DeleteRequirementAsync(id, ct);
        // Null only if the requirement appeared between the read and the delete; it is gone now either way.
        var deleted = existing ?? throw new InvalidOperationException($"Requirement {id} was deleted but not found just before.");
        http.NoteVenture(deleted.Venture);
        return TypedResults.Ok(deleted);
    }
}
