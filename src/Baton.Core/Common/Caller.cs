
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

    /// <summary>Refuses with <c>forbidden</c> when this caller's key is scoped to another venture.</summary>
    public void EnsureMayActFor(string venture)
    {
        if (!MayActFor(venture))
            throw new BatonException(ErrorCodes.Forbidden,
                $"This key is scoped to venture '{VentureScope}' and may not act for '{venture}'. Use a key for that venture.");
    }

    /// <summary>Refuses with <c>forbidden</c> unless this caller is an admin; <paramref name="what"/> names the operation.</summary>
    public void EnsureAdmin(string what)
    {
        if (!IsAdmin)
            throw new BatonException(ErrorCodes.Forbidden, $"{what} needs an admin key; this key has the agent role.");
    }

    /// <summary>
    /// A scoped key sees only its venture: with no venture named the scope is used, another venture is refused.
    /// </summary>
    public string? ScopeFilter(string? venture)
    {
        if (venture is null) return VentureScope;
        EnsureMayActFor(venture);
        return venture;
    }
}
