using Baton.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

/// <summary>What is deployed: build version and commit, and the live schema against the one this build expects.</summary>
public sealed record VersionResponse(string Version, string Commit, string Store, string SchemaHash, string ExpectedSchemaHash, bool SchemaMatches);

/// <summary>
/// <c>GET /v1/version</c> (issue 7). The commit is what the SDK appends to the informational version (<c>1.0.0+sha</c>,
/// from git at build time via SourceRevisionId), "unknown" when built outside a git checkout. The schema hash is
/// computed from the live database on every request, never baked in, so a schema changed behind the server's back shows.
/// </summary>
internal static class VersionApi
{
    public static readonly (string Version, string Commit) Build = Split(HealthApi.Version);

    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/version", GetVersion).WithTags("Health");
        return app;
    }

    public static async Task<Ok<VersionResponse>> GetVersion(IBatonStore store, CancellationToken ct)
    {
        var schema = await store.CheckSchemaAsync(ct);
        return TypedResults.Ok(new VersionResponse(Build.Version, Build.Commit, store.Kind, schema.LiveHash, schema.ExpectedHash, schema.Matches));
    }

    internal static (string Version, string Commit) Split(string informational)
    {
        var plus = informational.IndexOf('+');
        return plus < 0 ? (informational, "unknown") : (informational[..plus], informational[(plus + 1)..] is { Length: > 0 } sha ? sha : "unknown");
    }
}
