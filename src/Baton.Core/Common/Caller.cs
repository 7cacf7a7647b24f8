
namespace Baton.Core.Common;

/// <summary>
/// Who is calling a service: the authenticated key's actor id, role and optional venture scope, plus the request's
/// correlation id. The server builds one per request from the bearer key; local mode uses <see cref="Local"/>.
/// </summary>
public sealed record Caller(string ActorKeyId, KeyRole Role, string? VentureScope, string CorrelationId)
{
    /// <summary>Actor id recorded for work done in local mode, where no key is involved.</summary>
    public const string LocalActorKeyId = "local";

    public static Caller Local(string correlationId) => new(LocalActorKeyId, KeyRole.Admin, null, correlationId);

    public bool IsAdmin => Role == KeyRole.Admin;

    /// <summary>True when this caller may act for <paramref name="venture"/> (admins and unscoped keys may act for any).</summary>
    public bool MayActFor(string venture) => VentureScope is null || string.Equals(VentureScope, venture, StringComparison.Ordinal);
}
