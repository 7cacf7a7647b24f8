using Baton.Core.Application;
using Baton.Core.Ventures;
using Baton.Local.Git;

namespace Baton.Cli;

/// <summary>
/// The command line's side of <see cref="Targets"/>: the working tree is the current directory, arguments are spelt
/// as flags, and the session a verb means can be the one <c>baton sod</c> remembered (a CLI-only convenience).
/// </summary>
public static class CliTargets
{
    /// <summary><c>--repo</c>, else <c>org/repo</c> of the working directory's git remote.</summary>
    public static async Task<string> RepoAsync(string? repoFlag, CliRuntime runtime, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(repoFlag)) return repoFlag.Trim();
        var tree = await GitWorkingTreeReader.Instance.ReadAsync(runtime.WorkingDirectory, ct);
        return Targets.Repo(null, tree, ArgumentNames.CommandLine);
    }

    /// <summary><c>--venture</c>, else the registered venture whose org and repos include <paramref name="repo"/>.</summary>
    public static async Task<string> VentureAsync(string? ventureFlag, string repo, IVentureService ventures, CancellationToken ct) =>
        !string.IsNullOrWhiteSpace(ventureFlag)
            ? ventureFlag.Trim()
            : (await Targets.VentureAsync(null, repo, ventures, ArgumentNames.CommandLine, ct)).Code;

    /// <summary>The given id, else the one the last <c>baton sod</c> of this agent remembered for this repo and track.</summary>
    public static async Task<string> SessionIdAsync(string? sessionId, string agent, string? repoFlag, string? track,
        CliRuntime runtime, SessionStateFile state, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(sessionId)) return sessionId.Trim();
        var repo = await RepoAsync(repoFlag, runtime, ct);
        var effectiveTrack = Targets.Track(track);
        return state.FindSessionIdOrNull(agent, repo, effectiveTrack)
               ?? throw new UsageException(
                   $"No session remembered for agent {agent}, repo {repo}, track {effectiveTrack}: run `baton sod` first, or pass the session id.");
    }

    /// <summary>Who is calling, for the handlers: the <c>--cli</c> (default "cli"), this host, <c>BATON_AGENT</c> and this terminal.</summary>
    public static FrontEnd FrontEnd(string? cliFlag, string? agentSetting, CliRuntime runtime) =>
        AgentName.FrontEnd(cliFlag, agentSetting, runtime.HostName, runtime.Terminal);
}
