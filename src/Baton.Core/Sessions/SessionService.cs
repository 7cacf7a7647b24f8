using Baton.Core.Alerts;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;


namespace Baton.Core.Sessions;

/// <summary>
/// Local implementation of <see cref="ISessionService"/> over the store: SOD, heartbeat, update, EOD and session lists
/// (DESIGN.md §4). One instance per caller; cheap to make.
/// </summary>
public sealed class SessionService(BatonCore core, Caller caller) : ISessionService
{
    /// <summary>How many of each list the SOD answer carries; the briefing then fits what it can to its budget.</summary>
    private const int SodListLimit = 20;

    /// <summary>Notes with this tag (or one of the venture's note tags) are the briefing's enterprise context.</summary>
    public const string BriefingNoteTag = "executive-summary";

    public async Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var agent = v.Required("agent", request.Agent, 100);
        var ventureCode = v.Required("venture", request.Venture, 12);
        var repo = v.Required("repo", request.Repo, 200);
        var track = v.Text("track", request.Track, 100) is { Length: > 0 } t ? t : Session.DefaultTrack;
        var cli = v.Text("cli", request.Cli, 50);
        var host = v.Text("host", request.Host, 200);
        var branch = v.Text("branch", request.Branch, 250);
        var commit = v.Text("commit_sha", request.CommitSha, 64);
        v.Positive("issue_number", request.IssueNumber);
        var budget = v.Range("budget_chars", request.BudgetChars, BriefingComposer.MinBudgetChars, BriefingComposer.MaxBudgetChars, core.Options.DefaultBudgetChars);
        var docsFormat = request.DocsFormat ?? DocsFormat.Index;
        v.ThrowIfAny();

        Lookups.EnsureMayActFor(caller, ventureCode);
        var venture = await Lookups.VentureOrThrowAsync(core, ventureCode, ct);
        var now = core.Now();
        var candidate = new Session(
            Id: core.Ids.New(IdGenerator.Session),
            Agent: agent,
            Cli: cli,
            Host: host,
            Venture: venture.Code,
            Repo: Lookups.NormalizeRepo(repo, venture),
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
            Meta: null);

        var outcome = await core.Store.StartOrResumeSessionAsync(candidate, now, core.Options.StaleAfter, ct);
        var session = outcome.Session;

        // A resumed session learns where the agent is now (branch, commit, issue): a second write only when it moved.
        if (outcome.Resumed && Moved(session, branch, commit, request.IssueNumber))
        {
            var touched = await core.Store.TouchSessionAsync(session.Id, new SessionUpdate(branch, commit, request.IssueNumber, null), now, core.Options.StaleAfter, ct);
            session = touched.Session ?? session;
        }

        var lastHandoff = core.Store.ListHandoffsAsync(
            new HandoffQuery(venture.Code, session.Repo, session.Track, null, PageRequest.First(1), HandoffOrigin.Own), ct);
        var addressed = core.Store.ListHandoffsAsync(
            new HandoffQuery(venture.Code, null, null, null, PageRequest.First(SodListLimit), HandoffOrigin.Addressed), ct);
        // One more than shown, so the caller's own session can be dropped and a full page still remains.
        var active = core.Store.ListSessionsAsync(
            new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First(SodListLimit + 1)), now, core.Options.StaleAfter, ct);
        var knowledge = LoadKnowledgeAsync(venture, docsFormat, now, ct);
        var operations = LoadOperationsAsync(venture, now, ct);
        await Task.WhenAll(lastHandoff, addressed, active, knowledge, operations);

        var others = OthersThan(session, active.Result);
        var addressedList = new ListResult<Handoff>(addressed.Result.Items, addressed.Result.Total);
        var heartbeat = HeartbeatSchedule.Next(now, core.Random);
        var briefing = BriefingBuilder.Build(new BriefingInput(
            venture, session, outcome.Resumed, core.Options.ServerLabel, lastHandoff.Result.Items.FirstOrDefault(),
            addressedList, others, budget, now, knowledge.Result, operations.Result));

        var k = knowledge.Result;
        return new SodResponse(session, outcome.Resumed, heartbeat, lastHandoff.Result.Items.FirstOrDefault(), addressedList, others, briefing,
            new ListResult<DocSummary>(k.Docs, k.Docs.Count), k.Audit, k.Notes);
    }

    /// <summary>
    /// Enterprise notes (tagged <c>executive-summary</c> or one of the venture's note tags) in briefing order — this
    /// venture, then other ventures, then global, newest first — plus the docs index and audit.
    /// </summary>
    private async Task<BriefingKnowledge> LoadKnowledgeAsync(Venture venture, DocsFormat docsFormat, DateTimeOffset now, CancellationToken ct)
    {
        var store = core.Store;
        IReadOnlyList<string> tags = [.. venture.NoteTags.Append(BriefingNoteTag).Distinct(StringComparer.Ordinal)];
        var own = store.SearchNotesAsync(new NoteQuery(null, tags, [venture.Code], null, false, PageRequest.First(SodListLimit)), ct);
        var others = store.SearchNotesAsync(new NoteQuery(null, tags, null, [venture.Code, Venture.Global], false, PageRequest.First(SodListLimit)), ct);
        var global = store.SearchNotesAsync(new NoteQuery(null, tags, [Venture.Global], null, false, PageRequest.First(SodListLimit)), ct);
        var docs = store.ListDocsAsync([venture.Code, Venture.Global], ct);
        var requirements = store.ListDocRequirementsAsync(ct);
        await Task.WhenAll(own, others, global, docs, requirements);

        var notes = new ListResult<Note>(
            [.. own.Result.Items.Concat(others.Result.Items).Concat(global.Result.Items).Select(h => h.Note)],
            own.Result.Total + others.Result.Total + global.Result.Total);
        IReadOnlyList<Doc> full = [];
        if (docsFormat == DocsFormat.Full)
        {
            var contents = await Task.WhenAll(docs.Result.Select(d => store.FindDocOrNullAsync(d.Scope, d.Name, null, ct)));
            full = [.. contents.OfType<Doc>()];
        }
        var audit = DocAudit.Run(venture, requirements.Result, docs.Result, now);
        return new BriefingKnowledge(notes, docs.Result, full, audit, docsFormat, core.Options.NotesBudgetChars);
    }

    /// <summary>
    /// Open default-branch alerts in briefing order with their exact total, the open ones on other branches (counted),
    /// the venture's due duties (global ones only for the platform venture), and the self-check figures.
    /// </summary>
    private async Task<BriefingOperations> LoadOperationsAsync(Venture venture, DateTimeOffset now, CancellationToken ct)
    {
        var store = core.Store;
        var alerts = store.ListAlertsAsync(
            new AlertQuery(venture.Code, AlertStatus.Open, null, true, PageRequest.First(SodListLimit), AlertOrder.SeverityThenOldest), ct);
        var allOpen = store.ListAlertsAsync(new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1)), ct);
        var stale = store.ListAlertsAsync(
            new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1), LastSeenBefore: now - AlertRules.PossiblyStaleAfter), ct);
        IReadOnlyList<string> scopes = venture.Platform ? [venture.Code, Venture.Global] : [venture.Code];
        var cadence = store.ListCadenceItemsAsync(scopes, ct);
        var webhooks = store.GetWebhookStatsAsync(venture.Code, ct);
        var schema = store.CheckSchemaAsync(ct);
        await Task.WhenAll(alerts, allOpen, stale, cadence, webhooks, schema);

        var w = webhooks.Result;
        return new BriefingOperations(
            new ListResult<Alert>(alerts.Result.Items, alerts.Result.Total),
            allOpen.Result.Total - alerts.Result.Total,
            CadenceRules.ForBriefing(cadence.Result, venture, now),
            new BriefingHealth(w.Deliveries, w.LastDeliveryAt, stale.Result.Total, w.UnownedDeliveries, schema.Result));
    }

    public async Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct) =>
        await TouchAsync(sessionId, update: null, ct);

    public async Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var branch = v.Text("branch", request.Branch, 250);
        var commit = v.Text("commit_sha", request.CommitSha, 64);
        v.Positive("issue_number", request.IssueNumber);
        if (request.Meta is not null && request.Meta.ToJsonString().Length > 16_384)
            v.Add("meta", "must be at most 16 KB of JSON.");
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
        var outcome = await core.Store.EndSessionAsync(session.Id, handoff, core.Now(), core.Options.StaleAfter, ct);
        return outcome.Result switch
        {
            EodResult.NotFound => throw SessionNotFound(sessionId),
            _ => new EodResponse(outcome.Session!, HandoffFactory.Receipt(outcome.Handoff!)),
        };
    }

    public async Task<Session> GetSessionAsync(string sessionId, CancellationToken ct) => await SessionOrThrowAsync(sessionId, ct);

    public async Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var venture = Lookups.ScopeFilter(caller, request.Venture);
        return await core.Store.ListSessionsAsync(
            new SessionQuery(venture, request.Status, new PageRequest(limit, request.Cursor)), core.Now(), core.Options.StaleAfter, ct);
    }

    private async Task<HeartbeatResponse> TouchAsync(string sessionId, SessionUpdate? update, CancellationToken ct)
    {
        // A scoped key must not touch another venture's session: look first (only scoped keys pay this read).
        if (caller.VentureScope is not null) await SessionOrThrowAsync(sessionId, ct);

        var now = core.Now();
        var outcome = await core.Store.TouchSessionAsync(sessionId, update, now, core.Options.StaleAfter, ct);
        return outcome.Result switch
        {
            TouchResult.NotFound => throw SessionNotFound(sessionId),
            TouchResult.NotActive => throw NotActive(outcome.Session!),
            _ => new HeartbeatResponse(outcome.Session!, HeartbeatSchedule.Next(now, core.Random)),
        };
    }

    private async Task<Session> SessionOrThrowAsync(string sessionId, CancellationToken ct)
    {
        var session = await core.Store.FindSessionOrNullAsync(sessionId, core.Now(), core.Options.StaleAfter, ct)
                      ?? throw SessionNotFound(sessionId);
        Lookups.EnsureMayActFor(caller, session.Venture);
        return session;
    }

    /// <summary>
    /// The active sessions of the venture other than the caller's. The caller's session was just made active and fresh
    /// in this request, so it is inside the store's exact total: dropping it leaves an exact total of the others.
    /// </summary>
    private static ListResult<Session> OthersThan(Session own, Page<Session> active)
    {
        var others = active.Items.Where(s => s.Id != own.Id).Take(SodListLimit).ToList();
        return new ListResult<Session>(others, Math.Max(0, active.Total - 1));
    }

    private static bool Moved(Session s, string? branch, string? commit, int? issue) =>
        (branch is not null && branch != s.Branch) ||
        (commit is not null && commit != s.CommitSha) ||
        (issue is not null && issue != s.IssueNumber);

    private static BatonException SessionNotFound(string id) =>
        new(ErrorCodes.SessionNotFound, $"There is no session '{id}'. Run `baton sod` to start one (it resumes yours if it is still active).");

    private static BatonException NotActive(Session s) =>
        new(ErrorCodes.SessionNotActive,
            $"Session {s.Id} is {s.Status.ToString().ToLowerInvariant()}" +
            (s.EndReason is { } reason ? $" ({reason.ToString().ToLowerInvariant()})" : "") +
            ". Run `baton sod` to start a new session; an ended or abandoned session is never reused.");
}
