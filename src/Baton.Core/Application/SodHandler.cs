using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Application;

/// <summary>What a front end was asked for SOD; every field may be missing and is then worked out.</summary>
public sealed record SodArguments(
    string? Agent = null,
    string? Venture = null,
    string? Repo = null,
    string? Track = null,
    string? Branch = null,
    string? CommitSha = null,
    int? IssueNumber = null,
    int? BudgetChars = null,
    DocsFormat? DocsFormat = null,
    bool? ClaimIssue = null,
    string? NativeSessionId = null,
    string? NativeCli = null);

/// <summary>The SOD answer, with what the handler worked out on the way: the venture, the agent and the working tree.</summary>
public sealed record SodResult(SodResponse Answer, Venture Venture, string Agent, WorkingTree Tree);

/// <summary>
/// Start of day, for every front end: the one handler <c>baton sod</c> and the MCP <c>sod</c> tool call. It reads the
/// working tree, resolves agent, repo, venture and track (<see cref="Targets"/>), takes branch and commit from the
/// working tree when it is the session's repo and the caller did not say, checks the budget against the one set of
/// limits, and calls the session service.
/// SOD never heals docs (decision 0009): it is the hot path of every session, and a read for everything but the
/// session row. The briefing's audit section names what is missing; healing is asked for explicitly
/// (<c>baton docs heal</c>, the MCP <c>doc_audit</c> tool).
/// </summary>
public sealed class SodHandler(IWorkingTreeReader trees)
{
    public async Task<SodResult> RunAsync(SodArguments arguments, FrontEnd frontEnd, string workingDirectory,
        ISessionService sessions, IVentureService ventures, CancellationToken ct)
    {
        var names = frontEnd.Names;
        var budget = Arguments.Budget(arguments.BudgetChars, names);
        var issue = Arguments.IssueNumber(arguments.IssueNumber, names.Issue);

        var tree = await trees.ReadAsync(workingDirectory, ct);
        var repo = Targets.Repo(arguments.Repo, tree, names);
        var venture = await Targets.VentureAsync(arguments.Venture, repo, ventures, names, ct);
        var agent = Targets.Agent(arguments.Agent, frontEnd);
        // Branch and commit describe this working tree only when the session is about the repo checked out here.
        var here = tree.Is(repo);
        // The git state only matters when this SOD finds the previous session abandoned, which only the server knows;
        // three git questions asked at once are the price of never losing that session's work.
        var git = here && tree.Root is { } root ? await trees.ReadGitStateAsync(root, ct) : null;

        var answer = await sessions.SodAsync(new SodRequest(
            Agent: agent,
            Venture: venture.Code,
            Repo: repo,
            Track: Targets.Track(arguments.Track),
            Cli: frontEnd.Client,
            Host: frontEnd.Host,
            Branch: arguments.Branch ?? (here ? tree.Branch : null),
            CommitSha: arguments.CommitSha ?? (here ? tree.CommitSha : null),
            IssueNumber: issue,
            BudgetChars: budget,
            DocsFormat: arguments.DocsFormat,
            ClaimIssue: arguments.ClaimIssue,
            Git: git,
            NativeSessionId: arguments.NativeSessionId,
            NativeCli: arguments.NativeCli), ct);
        return new SodResult(answer, venture, agent, tree);
    }
}
