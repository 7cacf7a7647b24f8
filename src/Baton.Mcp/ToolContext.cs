using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;
using Baton.Local.Git;
using ModelContextProtocol.Server;

namespace Baton.Mcp;

/// <summary>
/// What every tool shares: the services, the options, the remembered session, the clock, and the three questions
/// most tools start with — which repo, which venture, which agent.
/// </summary>
public sealed class ToolContext(BatonBackend backend, BatonMcpOptions options, SessionMemory memory, TimeProvider clock)
{
    public BatonBackend Backend { get; } = backend;
    public BatonMcpOptions Options { get; } = options;
    public SessionMemory Memory { get; } = memory;
    public TimeProvider Clock { get; } = clock;

    public Task<GitWorkspace> DetectWorkspaceAsync(CancellationToken ct) => GitWorkspace.DetectAsync(Options.WorkingDirectory, ct);

    /// <summary>The repo the caller named, else <c>org/repo</c> from git; a problem saying what to do when neither works.</summary>
    public static string RepoOrThrow(string? repoArgument, GitWorkspace workspace)
    {
        if (!string.IsNullOrWhiteSpace(repoArgument))
        {
            var repo = repoArgument.Trim();
            if (!repo.Contains('/')) throw new ToolProblem(McpErrorCodes.InvalidArgument, $"repo '{repo}' must be org/repo, e.g. example-org/alpha-console.");
            return repo;
        }
        if (workspace.OrgRepo is { } found) return found;
        throw new ToolProblem(McpErrorCodes.NoRepository,
            "Could not tell which repository this session is in: " + (workspace.Problem ?? workspace.RemoteProblem) +
            " You can also pass `repo` (org/repo) and `venture` to the tool.");
    }

    /// <summary>The venture the caller named, else the registered venture that owns <paramref name="repo"/>.</summary>
    public async Task<Venture> VentureOrThrowAsync(string? ventureArgument, string repo, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(ventureArgument)) return await Backend.Ventures.GetVentureAsync(ventureArgument.Trim(), ct);
        var registry = await Backend.Ventures.ListVenturesAsync(ct);
        return VentureLookup.FindForRepoOrNull(registry, repo)
               ?? throw new BatonException(ErrorCodes.VentureNotFound,
                   $"No registered venture owns the repo {repo} (known ventures: {(registry.Count == 0 ? "none yet" : string.Join(", ", registry.Select(v => v.Code)))}). " +
                   "Pass `venture` to the tool, or add the repo to a venture's repos with `baton ventures set` (or in ventures.json).");
    }

    /// <summary>The venture of the current session, else the one owning the repo here; null when neither is known.</summary>
    public async Task<Venture?> CurrentVentureOrNullAsync(string? ventureArgument, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(ventureArgument)) return await Backend.Ventures.GetVentureAsync(ventureArgument.Trim(), ct);
        if (Memory.CurrentOrNull is { } current) return current.Venture;
        var workspace = await DetectWorkspaceAsync(ct);
        if (workspace.OrgRepo is null) return null;
        return VentureLookup.FindForRepoOrNull(await Backend.Ventures.ListVenturesAsync(ct), workspace.OrgRepo);
    }

    /// <summary>The agent CLI talking to us, by the name it gave at initialize (claude-code, gemini-cli-mcp-client, …).</summary>
    public static string? ClientName(McpServer? server) => server?.ClientInfo?.Name is { Length: > 0 } name ? name : null;

    /// <summary>The caller's agent name, else <c>BATON_AGENT</c>, else <c>&lt;client&gt;-&lt;host&gt;</c>.</summary>
    public string Agent(string? agentArgument, McpServer? server)
    {
        if (!string.IsNullOrWhiteSpace(agentArgument)) return agentArgument.Trim();
        if (!string.IsNullOrWhiteSpace(Options.Agent)) return Options.Agent.Trim();
        var client = Slug(ClientName(server) ?? "mcp");
        var host = string.IsNullOrWhiteSpace(Options.HostName) ? "localhost" : Options.HostName.Trim().ToLowerInvariant();
        return $"{client}-{host}";
    }

    public INoteService Notes => Backend.Notes ?? throw NotOffered("notes");

    public IDocService Docs => Backend.Docs ?? throw NotOffered("docs");

    private ToolProblem NotOffered(string what) => new(McpErrorCodes.NotAvailable,
        $"This Baton backend ({Backend.Label}) does not offer {what} yet. Upgrade the server, or unset BATON_URL to use local mode.");

    private static string Slug(string name) =>
        new string(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-') is { Length: > 0 } s ? s : "mcp";
}
