using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Briefing;

/// <summary>
/// Reads what a SOD briefing shows — the track's last handoff, handoffs addressed to the venture, the other active
/// sessions, the task queue and the caller's tasks, enterprise notes and docs, alerts, duties and the self-check — and
/// composes the briefing from it. Sessions' <see cref="ISodBriefing"/> port; takes only the store ports it reads.
/// </summary>
internal sealed class SodBriefing(
    ISessionStore sessions, IHandoffStore handoffs, IKnowledgeStore knowledge, IAlertStore alerts, IOrchestrationStore orchestration, CoreOptions options)
    : ISodBriefing
{
    /// <summary>How many of each list the SOD answer carries; the briefing then fits what it can to its budget.</summary>
    private const int SodListLimit = 20;

    public async Task<SodBriefingResult> ReadAndComposeAsync(SodBriefingRequest request, CancellationToken ct)
    {
        var (venture, session, now) = (request.Venture, request.Session, request.Now);
        var lastHandoff = handoffs.ListHandoffsAsync(
            new HandoffQuery(venture.Code, session.Repo, session.Track, null, PageRequest.First(1), HandoffOrigin.Own), ct);
        var addressed = handoffs.ListHandoffsAsync(
            new HandoffQuery(venture.Code, null, null, null, PageRequest.First(SodListLimit), HandoffOrigin.Addressed), ct);
        // One more than shown, so the caller's own session can be dropped and a full page still remains.
        var active = sessions.ListSessionsAsync(
            new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First(SodListLimit + 1)), now, options.StaleAfter, ct);
        var knowledgeRead = LoadKnowledgeAsync(venture, request.DocsFormat, now, ct);
        var operations = LoadOperationsAsync(venture, now, ct);
        var queue = LoadQueueAsync(venture, session, ct);
        await Task.WhenAll(lastHandoff, addressed, active, knowledgeRead, operations, queue);

        var others = OthersThan(session, active.Result);
        var addressedList = new ListResult<Handoff>(addressed.Result.Items, addressed.Result.Total);
        var last = lastHandoff.Result.Items.FirstOrDefault();
        var text = BriefingBuilder.Build(new BriefingInput(
            venture, session, request.Resumed, request.ServerLabel, last, addressedList, others, request.BudgetChars, now,
            knowledgeRead.Result, operations.Result, queue.Result));

        var k = knowledgeRead.Result;
        return new SodBriefingResult(last, addressedList, others, text, new ListResult<DocSummary>(k.Docs, k.Docs.Count), k.Audit, k.Notes);
    }

    /// <summary>
    /// Enterprise notes (tagged <c>executive-summary</c> or one of the venture's note tags) in briefing order — this
    /// venture, then other ventures, then global, newest first — plus the docs index and audit.
    /// </summary>
    private async Task<BriefingKnowledge> LoadKnowledgeAsync(Venture venture, DocsFormat docsFormat, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<string> tags = [.. venture.NoteTags.Append(BriefingBuilder.NoteTag).Distinct(StringComparer.Ordinal)];
        var own = knowledge.SearchNotesAsync(new NoteQuery(null, tags, [venture.Code], null, false, PageRequest.First(SodListLimit)), ct);
        var others = knowledge.SearchNotesAsync(new NoteQuery(null, tags, null, [venture.Code, Venture.Global], false, PageRequest.First(SodListLimit)), ct);
        var global = knowledge.SearchNotesAsync(new NoteQuery(null, tags, [Venture.Global], null, false, PageRequest.First(SodListLimit)), ct);
        var docs = knowledge.ListDocsAsync([venture.Code, Venture.Global], ct);
        var requirements = knowledge.ListDocRequirementsAsync(ct);
        await Task.WhenAll(own, others, global, docs, requirements);

        var notes = new ListResult<Note>(
            [.. own.Result.Items.Concat(others.Result.Items).Concat(global.Result.Items).Select(h => h.Note)],
            own.Result.Total + others.Result.Total + global.Result.Total);
        IReadOnlyList<Doc> full = [];
        if (docsFormat == DocsFormat.Full)
        {
            var contents = await Task.WhenAll(docs.Result.Select(d => knowledge.FindDocOrNullAsync(d.Scope, d.Name, null, ct)));
            full = [.. contents.OfType<Doc>()];
        }
        var audit = DocAudit.Run(venture, requirements.Result, docs.Result, now);
        return new BriefingKnowledge(notes, docs.Result, full, audit, docsFormat, options.NotesBudgetChars);
    }

    /// <summary>
    /// Open default-branch alerts in briefing order with their exact total, the open ones on other branches (counted),
    /// the venture's due duties (global ones only for the platform venture), and the self-check figures.
    /// </summary>
    private async Task<BriefingOperations> LoadOperationsAsync(Venture venture, DateTimeOffset now, CancellationToken ct)
    {
        var open = alerts.ListAlertsAsync(
            new AlertQuery(venture.Code, AlertStatus.Open, null, true, PageRequest.First(SodListLimit), AlertOrder.SeverityThenOldest), ct);
        var allOpen = alerts.ListAlertsAsync(new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1)), ct);
        var stale = alerts.ListAlertsAsync(
            new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1), LastSeenBefore: now - AlertRules.PossiblyStaleAfter), ct);
        IReadOnlyList<string> scopes = venture.Platform ? [venture.Code, Venture.Global] : [venture.Code];
        var cadence = alerts.ListCadenceItemsAsync(scopes, ct);
        var webhooks = alerts.GetWebhookStatsAsync(venture.Code, ct);
        var schema = alerts.CheckSchemaAsync(ct);
        await Task.WhenAll(open, allOpen, stale, cadence, webhooks, schema);

        var w = webhooks.Result;
        return new BriefingOperations(
            new ListResult<Alert>(open.Result.Items, open.Result.Total),
            allOpen.Result.Total - open.Result.Total,
            CadenceRules.ForBriefing(cadence.Result, venture, now),
            new BriefingHealth(w.Deliveries, w.LastDeliveryAt, stale.Result.Total, w.UnownedDeliveries, schema.Result));
    }

    /// <summary>
    /// The venture's exact task counts and the open tasks of the agent registered under the session's agent name
    /// (running first, then assigned; each state's exact total). Null — no section — when the venture has no task and
    /// the session's agent is not registered: the orchestrator is not in use there, and an empty section would only
    /// take room. Null as well on a store without the orchestrator yet.
    /// </summary>
    private async Task<BriefingQueue?> LoadQueueAsync(Venture venture, Session session, CancellationToken ct)
    {
        try
        {
            var counts = orchestration.CountTasksAsync(venture.Code, ct);
            var agent = orchestration.FindAgentByNameOrNullAsync(session.Agent, ct);
            await Task.WhenAll(counts, agent);
            var agentId = agent.Result is { RemovedAt: null } found ? found.Id : null;
            if (counts.Result.Total == 0 && agentId is null) return null;
            if (agentId is null) return new BriefingQueue(counts.Result, null, new ListResult<BatonTask>([], 0));

            var running = orchestration.ListTasksAsync(new TaskQuery(PageRequest.First(SodListLimit), venture.Code, TaskState.Running, Agent: agentId), ct);
            var assigned = orchestration.ListTasksAsync(new TaskQuery(PageRequest.First(SodListLimit), venture.Code, TaskState.Assigned, Agent: agentId), ct);
            await Task.WhenAll(running, assigned);
            var items = running.Result.Items.Concat(assigned.Result.Items).Take(SodListLimit).ToList();
            return new BriefingQueue(counts.Result, agentId, new ListResult<BatonTask>(items, running.Result.Total + assigned.Result.Total));
        }
        catch (NotSupportedException)
        {
            // PostgreSQL until its orchestrator lands: the briefing goes on without the queue rather than failing.
            return null;
        }
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
}
