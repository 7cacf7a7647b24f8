using System.Reflection;
using Baton.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Api;

public sealed record HealthResponse(string Status, string Store, string Version);

/// <summary><c>GET /healthz</c>: no auth, no store round trip — it says the process is up and which store it serves.</summary>
internal static class HealthApi
{
    /// <summary>The assembly's informational version (what the build stamped), read once.</summary>
    public static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HealthApi).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Health).WithTags("Health");
        return app;
    }

    public static Ok<HealthResponse> Health(IBatonStore store) => TypedResults.Ok(new HealthResponse("healthy", store.Kind, Version));
}
