using Baton.Core.Common;

namespace Baton.Core.Ventures;

/// <summary>Venture lookups several services share, each with the one error message callers see.</summary>
internal static class VentureRules
{
    /// <summary>The venture with this code, or <c>venture_not_found</c> naming the known ones.</summary>
    public static async Task<Venture> FindOrThrowAsync(IVentureStore ventures, string code, CancellationToken ct)
    {
        var venture = await ventures.FindVentureOrNullAsync(code, ct);
        if (venture is not null) return venture;

        var known = (await ventures.ListVenturesAsync(ct)).Select(v => v.Code).ToList();
        var list = known.Count == 0
            ? "No ventures are registered yet: add one to ventures.json or run `baton ventures set`."
            : $"Known ventures: {string.Join(", ", known)}.";
        throw new BatonException(ErrorCodes.VentureNotFound, $"There is no venture '{code}'. {list}");
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
}
