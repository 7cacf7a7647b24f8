using Baton.Core.Application;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Ventures;
using Baton.Local.Git;
using ModelContextProtocol.Server;

namespace Baton.Mcp;

/// <summary>
/// What every tool shares: the services, the options, the remembered session, the clock, and the three questions
/// most tools start with — which repo, which venture, which agent.
/// </summary>
public sealed class ToolContext(BackendSource backend, BatonMcpOptions options, SessionMemory memory, TimeProvider clock)
{
    /// <summary>What is known of the backend before it is opened (mode, label, key); <see cref="BackendAsync"/> opens it.</summary>
    public BackendSource Backend { get; } = backend;
    public BatonMcpOptions Options { get; } = options;

    /// <summary>The services, opened at the first call that needs them (<see cref="BackendSource"/>).</summary>
    public Task<BatonBackend> BackendAsync(CancellationToken ct) => Backend.GetAsync(ct);
    public SessionMemory Memory { get; } = memory;
    public TimeProvider Clock { get; } = clock;

    public Task<GitWorkspace> DetectWorkspaceAsync(CancellationToken ct) => GitWorkspace.DetectAsync(Options.WorkingDirectory, ct);

    /// <summary>Who is calling, for the application handlers: the client's name, this host, <c>BATON_AGENT</c>, tool-style argument names, the terminal.</summary>
    public FrontEnd FrontEnd(McpServer? server) =>
        new(ClientName(server) ?? "mcp", Options.HostName, Options.Agent, ArgumentNames.Tool, Options.Terminal);

    /// <summary>
    /// The repo as <c>org/repo</c>, for the tools that hand it to GitHub: the one rule of <see cref="Targets.Repo"/>,
    /// plus the org GitHub needs (a bare name is fine for a session, not for <c>gh</c>).
    /// </summary>
    public static string RepoOrThrow(string? repoArgument, GitWorkspace workspace)
    {
        var repo = Targets.Repo(repoArgument, GitWorkingTreeReader.From(workspace), ArgumentNames.Tool);
        if (!repo.Contains('/')) throw new ToolProblem(McpErrorCodes.InvalidArgument, $"repo '{repo}' must be org/repo, e.g. example-org/alpha-console.");
        return repo;
    }

    /// <summary>The venture the caller named, else the registered venture that owns <paramref name="repo"/> (<see cref="Targets.VentureAsync"/>).</summary>
    public async Task<Venture> VentureOrThrowAsync(string? ventureArgument, string repo, CancellationToken ct) =>
        await Targets.VentureAsync(ventureArgument, repo, (await BackendAsync(ct)).Ventures, ArgumentNames.Tool, ct);

    /// <summary>The venture of the current session, else the one owning the repo here; null when neither is known.</summary>
    public async Task<Venture?> CurrentVentureOrNullAsync(string? ventureArgument, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(ventureArgument)) return await (await BackendAsync(ct)).Ventures.GetVentureAsync(ventureArgument.Trim(), ct);
        if (Memory.CurrentOrNull is { } current) return current.Venture;
        var workspace = await DetectWorkspaceAsync(ct);
        if (workspace.OrgRepo is null) return null;
        return VentureLookup.FindForRepoOrNull(await (await BackendAsync(ct)).Ventures.ListVenturesAsync(ct), workspace.OrgRepo);
    }

    /// <summary>The agent CLI talking to us, by the name it gave at initialize (claude-code, gemini-cli-mcp-client, …).</summary>
    public static string? ClientName(McpServer? server) => server?.ClientInfo?.Name is { Length: > 0 } name ? name : null;

    /// <summary>The caller's agent name, else <c>BATON_AGENT</c>, else <c>&lt;client&gt;-&lt;host&gt;</c> (<see cref="Targets.Agent"/>).</summary>
    public string Agent(string? agentArgument, McpServer? server) => Targets.Agent(agentArgument, FrontEnd(server));

    public async Task<INoteService> NotesAsync(CancellationToken ct) => (await BackendAsync(ct)).Notes ?? throw NotOffered("notes");

    public async Task<IDocService> DocsAsync(CancellationToken ct) => (await BackendAsync(ct)).Docs ?? throw NotOffered("docs");

    public async Task<ITaskService> TasksAsync(CancellationToken ct) => (await BackendAsync(ct)).Tasks ?? throw NotOffered("the task queue");

    public async Task<Baton.Core.Activity.IActivityService> ActivityAsync(CancellationToken ct) => (await BackendAsync(ct)).Activity ?? throw NotOffered("the waiting queue");
    public async Task<Baton.Core.Claims.IClaimService> ClaimsAsync(CancellationToken ct) => (await BackendAsync(ct)).Claims ?? throw NotOffered("claims");
    public async Task<Baton.Core.Spend.ISpendService> SpendAsync(CancellationToken ct) => (await BackendAsync(ct)).Spend ?? throw NotOffered("spend");
    public async Task<Baton.Core.Workflows.IWorkflowService> WorkflowsAsync(CancellationToken ct) => (await BackendAsync(ct)).Workflows ?? throw NotOffered("project workflows");

    private ToolProblem NotOffered(string what) => new(McpErrorCodes.NotAvailable,
        $"This Baton backend ({Backend.Label}) does not offer {what} yet. Upgrade the server, or unset BATON_URL to use local mode.");
}
