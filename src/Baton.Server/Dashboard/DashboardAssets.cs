using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;

namespace Baton.Server.Dashboard;

/// <summary>
/// The dashboard's static files (<c>Dashboard/Assets/</c>), embedded in the assembly — no front-end build, nothing
/// on disk to deploy — served at <c>/assets/{name}</c> without a key (they hold no data) with an ETag.
/// </summary>
internal static class DashboardAssets
{
    public const string PathPrefix = "/assets";

    private static readonly IReadOnlyDictionary<string, Asset> Files = Load();

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(PathPrefix + "/{name}", Serve).ExcludeFromDescription();

    private static IResult Serve(string name, HttpContext http)
    {
        if (!Files.TryGetValue(name, out var asset)) return Results.NotFound();
        http.Response.Headers.ETag = asset.ETag;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static Dictionary<string, Asset> Load()
    {
        const string prefix = "Baton.Server.Dashboard.Assets.";
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource[prefix.Length..];
            files[name] = new Asset(bytes, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }
        return files;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
