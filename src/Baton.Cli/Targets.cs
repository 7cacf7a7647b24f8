using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Local.Git;


namespace Baton.Cli;

/// <summary>Works out which repo, venture and session a verb means when the caller did not say.</summary>
public static class Targets
{
    /// <summary><c>--repo</c>, else <c>org/repo</c> from <c>git remote get-url origin</c> in the working directory.</summary>
    public static async Task<string> RepoAsync(string? repoFlag, CliRuntime runtime, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(repoFlag)) return repoFlag.Trim();
        var url = await GitRemote.ReadOriginUrlOrNullAsync(runtime.WorkingDirectory, ct);
        return GitRemote.ParseOrgRepoOrNull(url)
               ?? throw new UsageException(url is null
                   ? $"No git remote 'origin' in {runtime.WorkingDirectory}: pass --repo org/repo, or run this inside the repository."
                   : $"The origin remote '{url}' does not name an org and a repo: pass --repo org/repo.");
    }

    /// <summary><c>--venture</c>, else the registered venture whose org and repos include <paramref name="repo"/>.</summary>
    public static async Task<string> VentureAsync(string? ventureFlag, string repo, IVentureService ventures, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(ventureFlag)) return ventureFlag.Trim();
        var registry = await ventures.ListVenturesAsync(ct);
        return VentureLookup.FindForRepoOrNull(registry, repo)?.Code
               ?? throw new BatonException(ErrorCodes.VentureNotFound,
                   $"No registered venture owns the repo {repo} (known ventures: {KnownCodes(registry)}). " +
                   "Pass --venture <code>, or add the repo to a venture with `baton ventures set`.");
    }

    /// <summary>The given id, else the one the last <c>baton sod</c> of this agent remembered for this repo and track.</summary>
    public static async Task<string> SessionIdAsync(string? sessionId, string agent, string? repoFlag, string? track,
        CliRuntime runtime, SessionStateFile state, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(sessionId)) return sessionId.Trim();
        var repo = await RepoAsync(repoFlag, runtime, ct);
        var effectiveTrack = TrackOrDefault(track);
        return state.FindSessionIdOrNull(agent, repo, effectiveTrack)
               ?? throw new UsageException(
                   $"No session remembered for agent {agent}, repo {repo}, track {effectiveTrack}: run `baton sod` first, or pass the session id.");
    }

    public static string TrackOrDefault(string? track) => string.IsNullOrWhiteSpace(track) ? Session.DefaultTrack : track.Trim();

    private static string KnownCodes(IReadOnlyList<Venture> registry) =>
        registry.Count == 0 ? "none yet" : string.Join(", ", registry.Select(v => v.Code));
}
