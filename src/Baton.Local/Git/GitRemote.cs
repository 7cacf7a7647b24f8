
namespace Baton.Local.Git;

/// <summary>Finds the <c>org/repo</c> a working copy belongs to, from its <c>origin</c> remote.</summary>
public static class GitRemote
{
    /// <summary>
    /// <c>org/repo</c> from a remote URL in any of the forms git prints: SCP-like SSH (<c>git@github.com:org/repo.git</c>),
    /// <c>ssh://git@host[:port]/org/repo</c>, and HTTPS with or without <c>.git</c> or a trailing slash. Null when the
    /// URL has no org and repo (a bare path, an empty string).
    /// </summary>
    public static string? ParseOrgRepoOrNull(string? remoteUrl)
    {
        if (string.IsNullOrWhiteSpace(remoteUrl)) return null;
        var url = remoteUrl.Trim();

        string path;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return null;
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else
        {
            // SCP-like syntax: [user@]host:path. A colon before any slash is what tells it from a local path.
            var colon = url.IndexOf(':');
            var slash = url.IndexOf('/');
            if (colon <= 0 || (slash >= 0 && slash < colon)) return null;
            path = url[(colon + 1)..];
        }

        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2) return null;
        var org = segments[^2];
        var repo = segments[^1];
        if (repo.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) repo = repo[..^4];
        return org.Length == 0 || repo.Length == 0 ? null : $"{org}/{repo}";
    }

    /// <summary>Runs <c>git remote get-url origin</c> in <paramref name="workingDirectory"/>; null when git or the remote is missing.</summary>
    public static async Task<string?> ReadOriginUrlOrNullAsync(string workingDirectory, CancellationToken ct)
    {
        var output = await ExternalCommand.RunOrNullAsync("git", ["remote", "get-url", "origin"], workingDirectory, ct);
        return output is { Succeeded: true } ? output.Stdout.Trim() : null;
    }
}
