using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Application;

/// <summary>
/// Which agent, repo, venture and track a call means when the caller did not say: the same answers for the CLI and
/// for MCP, from the arguments given, the settings and the working tree.
/// </summary>
public static class Targets
{
    /// <summary>
    /// The agent name: the argument, else <c>BATON_AGENT</c>, else <c>&lt;client&gt;-&lt;host&gt;</c> with the client
    /// name reduced to lowercase letters, digits and dashes (so <c>Claude Code</c> and <c>claude-code</c> are one agent),
    /// and <c>-&lt;terminal&gt;</c> when the terminal is known — two terminals on one machine are two agents, so the
    /// second <c>sod</c> does not resume the first one's session, while the same terminal keeps its name across restarts.
    /// </summary>
    public static string Agent(string? agentArgument, FrontEnd frontEnd)
    {
        if (!string.IsNullOrWhiteSpace(agentArgument)) return agentArgument.Trim();
        if (!string.IsNullOrWhiteSpace(frontEnd.AgentSetting)) return frontEnd.AgentSetting.Trim();
        var host = string.IsNullOrWhiteSpace(frontEnd.Host) ? "localhost" : frontEnd.Host.Trim().ToLowerInvariant();
        var name = $"{Slug(frontEnd.Client)}-{host}";
        return string.IsNullOrWhiteSpace(frontEnd.Terminal) ? name : $"{name}-{Slug(frontEnd.Terminal)}";
    }

    /// <summary>
    /// The repo: the argument (<c>org/repo</c>, or a bare name the venture's org is added to), else <c>org/repo</c>
    /// of the working tree's origin remote.
    /// </summary>
    /// <exception cref="ArgumentProblem">Neither says which repository.</exception>
    public static string Repo(string? repoArgument, WorkingTree tree, ArgumentNames names)
    {
        if (!string.IsNullOrWhiteSpace(repoArgument)) return repoArgument.Trim();
        if (tree.OrgRepo is { } found) return found;
        throw new ArgumentProblem(ArgumentProblemKind.NoRepository,
            $"Could not tell which repository this is: {tree.Problem ?? "the origin remote names no org and repo."} " +
            $"You can also pass {names.Repo} (org/repo) and {names.Venture}, or run this inside the repository.");
    }

    /// <summary>The venture: the argument, else the registered venture whose org and repos include <paramref name="repo"/>.</summary>
    /// <exception cref="BatonException"><c>venture_not_found</c>, naming the known ventures and what to pass.</exception>
    public static async Task<Venture> VentureAsync(string? ventureArgument, string repo, IVentureService ventures, ArgumentNames names, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(ventureArgument)) return await ventures.GetVentureAsync(ventureArgument.Trim(), ct);
        var registry = await ventures.ListVenturesAsync(ct);
        return VentureLookup.FindForRepoOrNull(registry, repo)
               ?? throw new BatonException(ErrorCodes.VentureNotFound,
                   $"No registered venture owns the repo {repo} (known ventures: {(registry.Count == 0 ? "none yet" : string.Join(", ", registry.Select(v => v.Code)))}). " +
                   $"Pass {names.Venture} <code>, or add the repo to a venture's repos with `baton ventures set` (or in ventures.json).");
    }

    /// <summary>The track: the argument, else <see cref="Tracks.Default"/>.</summary>
    public static string Track(string? trackArgument) => string.IsNullOrWhiteSpace(trackArgument) ? Tracks.Default : trackArgument.Trim();

    private static string Slug(string name) =>
        new string(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-') is { Length: > 0 } s ? s : "cli";
}
