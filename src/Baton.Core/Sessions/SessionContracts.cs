using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;

namespace Baton.Core.Sessions;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

// The operations every front end offers. Local mode implements them in-process over the store (this assembly);
// server mode implements them over HTTP (Baton.Client). One contract suite runs against both. Failures a caller can
// act on are thrown as BatonException with a stable code.

public sealed record SodRequest(
    string? Agent,
    string? Venture,
    string? Repo,
    string? Track = null,
    string? Cli = null,
    string? Host = null,
    string? Branch = null,
    string? CommitSha = null,
    int? IssueNumber = null,
    int? BudgetChars = null,
    DocsFormat? DocsFormat = null,
    bool? ClaimIssue = null,
    RepoGitState? Git = null,
    string? NativeSessionId = null,
    string? NativeCli = null);

/// <summary>
/// The repo's git state as the front end read it on its machine at SOD (docs/architecture.md §15): the branch, the
/// recent commits (newest first, each with its commit time, so the server keeps those since an abandoned session
/// started) and the uncommitted diff stat. Only used when SOD finds the previous session of the tuple abandoned: the
/// synthesized handoff combines it with that session's stored events.
/// </summary>
public sealed record RepoGitState(string? Branch = null, IReadOnlyList<GitCommitInput?>? Commits = null, string? DiffStat = null);

/// <summary>One commit of <see cref="RepoGitState.Commits"/>.</summary>
public sealed record GitCommitInput(string? Sha, DateTimeOffset? CommittedAt, string? Subject);

public sealed record SodResponse(
    Session Session,
    bool Resumed,
    HeartbeatPlan Heartbeat,
    Handoff? LastHandoff,
    ListResult<Handoff> AddressedHandoffs,
    ListResult<Session> ActiveSessions,
    string Briefing,
    ListResult<DocSummary>? Docs = null,
    DocAuditResult? DocAudit = null,
    ListResult<Note>? Notes = null,
    SodIssueClaim? IssueClaim = null);

/// <summary>
/// What a briefing preview is for (the dashboard's "what will my agent see"): the venture, and optionally the agent,
/// repo (default: the venture's first), track, budget and docs format a SOD would pass.
/// </summary>
public sealed record BriefingPreviewRequest(
    string? Venture,
    string? Agent = null,
    string? Repo = null,
    string? Track = null,
    int? BudgetChars = null,
    DocsFormat? DocsFormat = null)
{
    /// <summary>The agent a preview names when none was given (no registered agent can be called this: it has a space).</summary>
    public const string AnyAgent = "any agent";
}

/// <summary>
/// The briefing a SOD with these fields would show right now (no session was created), the fields as normalised
/// (repo with the venture's org), and the budget it was fitted to.
/// </summary>
public sealed record BriefingPreview(string Venture, string Agent, string Repo, string Track, int BudgetChars, string Briefing);

public sealed record HeartbeatResponse(Session Session, HeartbeatPlan Heartbeat);

public sealed record UpdateSessionRequest(string? Branch = null, string? CommitSha = null, int? IssueNumber = null, JsonObject? Meta = null);

public sealed record EodRequest(
    string? SessionId,
    string? Summary,
    HandoffStatus? Status,
    IReadOnlyList<string>? Accomplished = null,
    IReadOnlyList<string>? InProgress = null,
    IReadOnlyList<string>? Blocked = null,
    IReadOnlyList<string>? NextSteps = null,
    IReadOnlyList<string>? SuccessCriteria = null,
    string? ToAgent = null,
    int? IssueNumber = null,
    JsonObject? Payload = null) : IHandoffFields;

public sealed record EodResponse(Session Session, HandoffReceipt Handoff);

public sealed record SessionListRequest(string? Venture = null, SessionStatus? Status = null, int? Limit = null, string? Cursor = null);

public interface ISessionService
{
    /// <summary>Start of day: resume-or-create the session and build the briefing (docs/architecture.md §4, §6).</summary>
    Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct);
    /// <summary>
    /// The briefing a SOD would show right now for these fields, read from the same sources in one snapshot and composed
    /// the same way, writing nothing: no session is created or resumed, and the header says it is a preview.
    /// </summary>
    Task<BriefingPreview> PreviewBriefingAsync(BriefingPreviewRequest request, CancellationToken ct);
    Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct);
    /// <summary>Changes branch, commit, issue or meta; counts as a heartbeat.</summary>
    Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct);
    /// <summary>End of day: end the session with a handoff. Repeating it unchanged changes nothing and answers the same; a second EOD with other content is refused (409 <c>session_already_ended</c>).</summary>
    Task<EodResponse> EodAsync(EodRequest request, CancellationToken ct);
    Task<Session> GetSessionAsync(string sessionId, CancellationToken ct);
    Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct);
}
