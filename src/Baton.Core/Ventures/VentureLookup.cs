
namespace Baton.Core.Ventures;

/// <summary>Which registered venture a repository belongs to, by the registry's org and repos (never a hard-coded list).</summary>
public static class VentureLookup
{
    /// <summary>
    /// The venture whose org matches and whose repos contain the repo name, compared case-insensitively as GitHub does.
    /// <paramref name="orgRepo"/> may be <c>org/repo</c> or a bare repo name (then any org matches).
    /// </summary>
    public static Venture? FindForRepoOrNull(IEnumerable<Venture> ventures, string orgRepo)
    {
        var slash = orgRepo.IndexOf('/');
        var org = slash > 0 ? orgRepo[..slash] : null;
        var name = slash > 0 ? orgRepo[(slash + 1)..] : orgRepo;
        return ventures.FirstOrDefault(v =>
            (org is null || string.Equals(v.Org, org, StringComparison.OrdinalIgnoreCase)) &&
            v.Repos.Any(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>True when <paramref name="orgRepo"/> is one of <paramref name="venture"/>'s registered repos.</summary>
    public static bool Owns(Venture venture, string orgRepo) => FindForRepoOrNull([venture], orgRepo) is not null && orgRepo.Contains('/');

    /// <summary>The venture's repos as <c>org/repo</c>.</summary>
    public static IReadOnlyList<string> OrgRepos(Venture venture) => venture.Repos.Select(r => $"{venture.Org}/{r}").ToList();
}
