using Baton.Core.Common;


namespace Baton.Core.Ventures;

/// <summary>Lookups and checks several services share, each with the one error message callers see.</summary>
internal static class Lookups
{
    public static async Task<Venture> VentureOrThrowAsync(BatonCore core, string code, CancellationToken ct)
    {
        var venture = await core.Store.FindVentureOrNullAsync(code, ct);
        if (venture is not null) return venture;

        var known = (await core.Store.ListVenturesAsync(ct)).Select(v => v.Code).ToList();
        var list = known.Count == 0
            ? "No ventures are registered yet: add one to ventures.json or run `baton ventures set`."
            : $"Known ventures: {string.Join(", ", known)}.";
        throw new BatonException(ErrorCodes.VentureNotFound, $"There is no venture '{code}'. {list}");
    }

    public static void EnsureMayActFor(Caller caller, string venture)
    {
        if (!caller.MayActFor(venture))
            throw new BatonException(ErrorCodes.Forbidden,
                $"This key is scoped to venture '{caller.VentureScope}' and may not act for '{venture}'. Use a key for that venture.");
    }

    public static void EnsureAdmin(Caller caller, string what)
    {
        if (!caller.IsAdmin)
            throw new BatonException(ErrorCodes.Forbidden, $"{what} needs an admin key; this key has the agent role.");
    }

    /// <summary>
    /// Repos are stored as <c>org/name</c> so the same repo typed two ways is one session tuple: a bare name is
    /// taken to belong to the venture's org.
    /// </summary>
    public static string NormalizeRepo(string repo, Venture venture)
    {
        var trimmed = repo.Trim().TrimEnd('/');
        if (trimmed.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) trimmed = trimmed[..^4];
        return trimmed.Contains('/') ? trimmed : $"{venture.Org}/{trimmed}";
    }

    /// <summary>
    /// A scoped key sees only its venture: with no venture named the scope is used, another venture is refused.
    /// </summary>
    public static string? ScopeFilter(Caller caller, string? venture)
    {
        if (venture is null) return caller.VentureScope;
        EnsureMayActFor(caller, venture);
        return venture;
    }
}
