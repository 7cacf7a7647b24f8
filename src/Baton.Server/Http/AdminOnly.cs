using Microsoft.AspNetCore.Builder;

namespace Baton.Server.Http;

/// <summary>
/// Route metadata: the route is for admin keys only. <see cref="AuthMiddleware"/> checks it right after it knows the
/// caller, so an agent key is refused (403) before the body is read, bound or validated — authorization first,
/// always. The services check the role too (local mode and any other caller go through them).
/// </summary>
internal sealed class AdminOnly(string operation)
{
    /// <summary>What the route does, as the 403 names it ("Creating a key needs an admin key").</summary>
    public string Operation { get; } = operation;
}

internal static class AdminOnlyExtensions
{
    /// <summary>Marks every endpoint of <paramref name="builder"/> admin-only; <paramref name="operation"/> names it in the 403.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder, string operation) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AdminOnly(operation));
}
