using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;


namespace Baton.Core.Sessions;

/// <summary>
/// Local implementation of <see cref="ISessionService"/> over the store: SOD, heartbeat, update, EOD and session lists
/// (docs/architecture.md §4). One instance per caller; cheap to make.
/// </summary>
internal sealed class SessionService(ISessionStore sessions, IVentureStore ventures, ISodBriefing briefing, ISodClaims claims,
    IAbandonedSessionHandoff abandoned, BatonCore core, Caller caller) : ISessionService
{
    public async Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct)
    {
        var v = new Validator();
        // Session fields are shown in every briefing of the venture: no bidi controls (Text refuses control characters).
        var agent = v.NoBidiControls("agent", v.Required("agent", request.Agent, 100))!;
        var ventureCode = v.Required("venture", request.Venture, 12);
        var repo = v.NoBidiControls("repo", v.Required("repo", request.Repo, 200))!;
        var track = v.NoBidiControls("track", v.Text("track", request.Track, 100)) is { Length: > 0 } t ? t : Session.DefaultTrack;
        var cli = v.NoBidiControls("cli", v.Text("cli", request.Cli, 50));
        var host = v.NoBidiControls("host", v.Text("host", request.Host, 200));
        var branch = v.NoBidiControls("branch", v.Text("branch", request.Branch, 250));
        var commit = v.Text("commit_sha", request.CommitSha, 64);
        v.Positive("issue_number", request.IssueNumber);
        var budget = v.Range("budget_chars", request.BudgetChars, BriefingBudget.MinChars, BriefingBudget.MaxChars, core.Options.DefaultBudgetChars);
        var docsFormat = request.DocsFormat ?? DocsFormat.Index;
        if (request.Git is { } git)
        {
            v.Text("git.branch", git.Branch, 250);
            if (git.Commits is { Count: > 100 }) v.Add("git.commits", $"must hold at most 100 commits (got {git.Commits.Count}).");
            if (git.DiffStat is { Length: > 100_000 }) v.Add("git.diff_stat", "must be at most 100,000 characters.");
        }
        var native = v.Text("native_session_id", request.NativeSessionId, 200);
        var nativeCli = v.Text("native_cli", request.NativeCli, 10);
        if (nativeCli is not null && nativeCli is not ("claude" or "gemini" or "codex")) v.Add("native_cli", "must be claude, gemini or codex.");
        if ((native is null) != (nativeCli is null)) v.Add(native is null ? "native_session_id" : "native_cli", "native_session_id and native_cli go together.");
        v.ThrowIfAny();

        caller.EnsureMayActFor(ventureCode);
        var venture = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var now = core.Now();
        var candidate = new Session(
            Id: core.Ids.New(IdGenerator.Session),
            Agent: agent,
            Cli: cli,
            Host: host,
            Venture: venture.Code,
            Repo: VentureRules.NormalizeRepo(repo, venture),
            Track: track,
            IssueNumber: request.IssueNumber,
            Branch: branch,
            CommitSha: commit,
            Status: SessionStatus.Active,
            EndReason: null,
            CreatedAt: now,
            LastHeartbeatAt: now,
            EndedAt: null,
            ActorKeyId: caller.ActorKeyId,
            CreationCorrelationId: caller.CorrelationId,
            Meta: null,
            NativeSessionId: native,
            NativeCli: nativeCli);

        // The write and the briefing's reads go together (one snapshot, taken after the write committed); a resumed
        // session learns where the agent is now (branch, commit, issue) in between: a second write only when it moved.
        var b = await briefing.StartAndComposeAsync(
            new SodBriefingRequest(venture, candidate, budget, docsFormat, core.Options.ServerLabel, now, core.Options.StaleAfter),
            async outcome =>
            {
                // The session this SOD found abandoned gets its handoff synthesized from its events and the repo's git
                // state, so its work shows in this very briefing (docs/architecture.md §15).
                var synthesized = outcome.Abandoned is { } gone ? await abandoned.SynthesizeAsync(gone, request.Git, ct) : null;
                if (!outcome.Resumed || !Moved(outcome.Session, branch, commit, request.IssueNumber)) return new SodSettlement(outcome.Session, synthesized);
                var touched = await sessions.TouchSessionAsync(outcome.Session.Id, new SessionUpdate(branch, commit, request.IssueNumber, null), now,
                    core.Options.StaleAfter, ct);
                return new SodSettlement(touched.Session ?? outcome.Session, synthesized);
            }, ct);

        // The issue is claimed shared unless the caller said not to; after the briefing's snapshot, so SOD's own round
        // trips stay what they were, and never failing SOD: a refusal is reported in the answer.
        var issueClaim = request.IssueNumber is not null && request.ClaimIssue != false && b.Session.IssueNumber is not null
            ? await claims.ClaimIssueAsync(b.Session, ct)
            : null;

        var heartbeat = HeartbeatSchedule.Next(now, core.Random);
        return new SodResponse(b.Session, b.Outcome.Resumed, heartbeat, b.LastHandoff, b.AddressedHandoffs, b.OtherActiveSessions, b.Briefing,
            b.Docs, b.DocAudit, b.Notes, issueClaim);
    }

    public async Task<BriefingPreview> PreviewBriefingAsync(BriefingPreviewRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var ventureCode = v.Required("venture", request.Venture, 12);
        var agent = v.NoBidiControls("agent", v.Text("agent", request.Agent, 100)) is { Length: > 0 } a ? a : BriefingPreviewRequest.AnyAgent;
        var repo = v.NoBidiControls("repo", v.Text("repo", request.Repo, 200));
        var track = v.NoBidiControls("track", v.Text("track", request.Track, 100)) is { Length: > 0 } t ? t : Session.DefaultTrack;
        var budget = v.Range("budget_chars", request.BudgetChars, BriefingBudget.MinChars, BriefingBudget.MaxChars, core.Options.DefaultBudgetChars);
        v.ThrowIfAny();

        caller.EnsureMayActFor(ventureCode);
        var venture = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var now = core.Now();
        // The session SOD would create, never stored: the briefing reads and shows it, nothing writes it.
        var candidate = new Session(
            Id: "", Agent: agent, Cli: null, Host: null, Venture: venture.Code,
            Repo: repo is null ? venture.PrimaryRepo : VentureRules.NormalizeRepo(repo, venture), Track: track,
            IssueNumber: null, Branch: null, CommitSha: null, Status: SessionStatus.Active, EndReason: null,
            CreatedAt: now, LastHeartbeatAt: now, EndedAt: null, ActorKeyId: caller.ActorKeyId,
            CreationCorrelationId: caller.CorrelationId, Meta: null);
        var text = await briefing.PreviewAsync(
            new SodBriefingRequest(venture, candidate, budget, request.DocsFormat ?? DocsFormat.Index, core.Options.ServerLabel, now, core.Options.StaleAfter), ct);
        return new BriefingPreview(venture.Code, agent, candidate.Repo, track, budget, text);
    }

    public async Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct) =>
        await TouchAsync(sessionId, update: null, ct);

    public async Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var branch = v.NoBidiControls("branch", v.Text("branch", request.Branch, 250));
        var commit = v.Text("commit_sha", request.CommitSha, 64);
        v.Positive("issue_number", request.IssueNumber);
        if (request.Meta is not null)
        {
            // Free-form, but still JSON every reader can read back: no key twice, no lone surrogate (the server refuses
            // those in the body already; local mode hands the object in directly).
            try
            {
                CanonicalJson.Serialize(request.Meta);
                if (request.Meta.ToJsonString().Length > 16_384) v.Add("meta", "must be at most 16 KB of JSON.");
            }
            catch (FormatException e)
            {
                v.Add("meta", e.Message);
            }
        }
        v.ThrowIfAny();
        return await TouchAsync(sessionId, new SessionUpdate(branch, commit, request.IssueNumber, request.Meta), ct);
    }

    public async Task<EodResponse> EodAsync(EodRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var sessionId = v.Required("session_id", request.SessionId, 64);
        var (summary, status) = HandoffFactory.Validate(request, v);
        v.ThrowIfAny();

        var session = await SessionOrThrowAsync(sessionId, ct);
        var handoff = HandoffFactory.Create(core, caller, request, summary, status, session.Id, session.Venture, session.Repo, session.Track, session.Agent, sourceVenture: null);
        var outcome = await sessions.EndSessionAsync(session.Id, handoff, core.Now(), core.Options.StaleAfter, ct);
        return outcome.Result switch
        {
            EodResult.NotFound => throw SessionNotFound(sessionId),
            EodResult.EndedWithOtherHandoff => throw AlreadyEnded(outcome.Session!, outcome.Handoff!),
            _ => new EodResponse(outcome.Session!, HandoffFactory.Receipt(outcome.Handoff!)),
        };
    }

    public async Task<Session> GetSessionAsync(string sessionId, CancellationToken ct) => await SessionOrThrowAsync(sessionId, ct);

    public async Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var venture = caller.ScopeFilter(request.Venture);
        return await sessions.ListSessionsAsync(
            new SessionQuery(venture, request.Status, new PageRequest(limit, request.Cursor)), core.Now(), core.Options.StaleAfter, ct);
    }

    private async Task<HeartbeatResponse> TouchAsync(string sessionId, SessionUpdate? update, CancellationToken ct)
    {
        // A scoped key must not touch another venture's session: look first (only scoped keys pay this read).
        if (caller.VentureScope is not null) await SessionOrThrowAsync(sessionId, ct);

        var now = core.Now();
        var outcome = await sessions.TouchSessionAsync(sessionId, update, now, core.Options.StaleAfter, ct);
        return outcome.Result switch
        {
            TouchResult.NotFound => throw SessionNotFound(sessionId),
            TouchResult.NotActive => throw NotActive(outcome.Session!),
            _ => new HeartbeatResponse(outcome.Session!, HeartbeatSchedule.Next(now, core.Random)),
        };
    }

    private async Task<Session> SessionOrThrowAsync(string sessionId, CancellationToken ct)
    {
        var session = await sessions.FindSessionOrNullAsync(sessionId, core.Now(), core.Options.StaleAfter, ct)
                      ?? throw SessionNotFound(sessionId);
        caller.EnsureMayActFor(session.Venture);
        return session;
    }

    private static bool Moved(Session s, string? branch, string? commit, int? issue) =>
        (branch is not null && branch != s.Branch) ||
        (commit is not null && commit != s.CommitSha) ||
        (issue is not null && issue != s.IssueNumber);

    private static BatonException SessionNotFound(string id) =>
        new(ErrorCodes.SessionNotFound, $"There is no session '{id}'. Run `baton sod` to start one (it resumes yours if it is still active).");

    private static BatonException AlreadyEnded(Session s, Handoff first) =>
        new(ErrorCodes.SessionAlreadyEnded,
            $"Session {s.Id} already ended with handoff {first.Id}, and this EOD's handoff differs from it, so it was not stored. " +
            "Write the further work as a separate handoff with `baton handoff` (MCP: `handoff` without end_session), " +
            "or run `baton sod` to start a new session; repeating the first EOD unchanged answers its handoff again.");

    private static BatonException NotActive(Session s) =>
        new(ErrorCodes.SessionNotActive,
            $"Session {s.Id} is {s.Status.ToString().ToLowerInvariant()}" +
            (s.EndReason is { } reason ? $" ({reason.ToString().ToLowerInvariant()})" : "") +
            ". Run `baton sod` to start a new session; an ended or abandoned session is never reused.");
}
