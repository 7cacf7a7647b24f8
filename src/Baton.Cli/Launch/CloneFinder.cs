using Baton.Core.Ventures;
using Baton.Local.Git;


namespace Baton.Cli.Launch;

/// <summary>
/// Finds a venture's local clone under the repo roots: every directory one or two levels down (<c>root/repo</c>,
/// <c>root/org/repo</c>) holding a git repository whose <c>origin</c> names one of the venture's repos, compared
/// case-insensitively as GitHub does. The remote is read from <c>.git/config</c> directly rather than by running git
/// once per directory: launch must stay well under a second with dozens of clones.
/// </summary>
public static class CloneFinder
{
    /// <summary>The first clone of the venture's repos (in registry order, then roots order); null when there is none.</summary>
    public static string? FindOrNull(Venture venture, IReadOnlyList<string> roots)
    {
        var candidates = Candidates(roots).ToList();
        foreach (var repo in VentureLookup.OrgRepos(venture))
        {
            foreach (var (directory, orgRepo) in candidates)
            {
                if (string.Equals(orgRepo, repo, StringComparison.OrdinalIgnoreCase)) return directory;
            }
        }
        return null;
    }

    /// <summary>The first clone of <paramref name="orgRepo"/> (<c>org/name</c>) under the roots (in roots order); null when there is none.</summary>
    public static string? FindRepoOrNull(string orgRepo, IReadOnlyList<string> roots) =>
        Candidates(roots).Where(c => string.Equals(c.OrgRepo, orgRepo, StringComparison.OrdinalIgnoreCase)).Select(c => c.Directory).FirstOrDefault();

    /// <summary>Every clone under the roots with the <c>org/repo</c> of its origin (roots order, then name order); the worker reports them as contexts.</summary>
    public static IReadOnlyList<(string Directory, string OrgRepo)> All(IReadOnlyList<string> roots) => [.. Candidates(roots)];

    /// <summary>The command that clones the venture's primary repo under the first root.</summary>
    public static string CloneCommand(Venture venture, IReadOnlyList<string> roots)
    {
        var root = roots.Count > 0 ? roots[0] : "~/dev";
        var repo = venture.Repos.Count > 0 ? venture.Repos[0] : venture.Code;
        return $"git clone git@github.com:{venture.Org}/{repo}.git {Path.Combine(root, repo)}";
    }

    private static IEnumerable<(string Directory, string OrgRepo)> Candidates(IReadOnlyList<string> roots)
    {
        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var child in SafeDirectories(root))
            {
                if (OriginOrNull(child) is { } orgRepo) yield return (child, orgRepo);
                else
                {
                    foreach (var grandchild in SafeDirectories(child))
                    {
                        if (OriginOrNull(grandchild) is { } nested) yield return (grandchild, nested);
                    }
                }
            }
        }
    }

    private static IEnumerable<string> SafeDirectories(string directory)
    {
        try
        {
            return Directory.GetDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary><c>org/repo</c> of the origin remote of a clone at <paramref name="directory"/>; null when it is not one.</summary>
    public static string? OriginOrNull(string directory)
    {
        var config = GitConfigPathOrNull(directory);
        if (config is null) return null;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var inOrigin = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                inOrigin = line.Replace(" ", "", StringComparison.Ordinal).Equals("[remote\"origin\"]", StringComparison.Ordinal);
                continue;
            }
            if (!inOrigin) continue;
            var equals = line.IndexOf('=');
            if (equals > 0 && line[..equals].Trim().Equals("url", StringComparison.OrdinalIgnoreCase))
                return GitRemote.ParseOrgRepoOrNull(line[(equals + 1)..].Trim().Trim('"'));
        }
        return null;
    }

    private static string? GitConfigPathOrNull(string directory)
    {
        var git = Path.Combine(directory, ".git");
        if (Directory.Exists(git)) return File.Exists(Path.Combine(git, "config")) ? Path.Combine(git, "config") : null;
        if (!File.Exists(git)) return null;
        // A linked worktree: .git is a file "gitdir: <main>/.git/worktrees/<name>", whose commondir leads to the config.
        var text = File.ReadAllText(git).Trim();
        if (!text.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
        var gitDir = Path.GetFullPath(Path.Combine(directory, text["gitdir:".Length..].Trim()));
        var commonFile = Path.Combine(gitDir, "commondir");
        var common = File.Exists(commonFile) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonFile).Trim())) : gitDir;
        var config = Path.Combine(common, "config");
        return File.Exists(config) ? config : null;
    }
}
