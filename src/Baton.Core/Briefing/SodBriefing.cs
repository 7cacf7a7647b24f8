using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Spend;
using Baton.Core.Ventures;

namespace Baton.Core.Briefing;

/// <summary>
/// Reads what a SOD briefing shows — the track's last handoff, handoffs addressed to the venture, the other active
/// sessions, the task queue and the caller's tasks, enterprise notes and docs, alerts, duties and the self-check — in
/// one snapshot right after SOD's write (<see cref="IBriefingSourceStore"/>), and composes the briefing from it.
/// Sessions' <see cref="ISodBriefing"/> port.
/// </summary>
internal sealed class SodBriefing(IBriefingSourceStore store, CoreOptions options) : ISodBriefing
{
    /// <summary>How many of each list the SOD answer carries; the briefing then fits what it can to its budget.</summary>
    private const int SodListLimit = 20;

    public async Task<SodBriefingResult> StartAndComposeAsync(SodBriefingRequest request, Func<SodOutcome, Task<SodSettlement>> settle, CancellationToken ct)
    {
        var query = QueryFor(request.Venture, request.Candidate, request.DocsFormat, request.Now, request.StaleAfter);
        var start = await store.StartOrResumeSessionAndReadBriefingAsync(request.Candidate, request.Now, request.StaleAfter, query, ct);
        var settled = await settle(start.Outcome);
        var session = settled.Session;
        var sources = start.Sources;

        var others = OthersThan(session, sources.ActiveSessions);
        var last = settled.Synthesized ?? sources.LastHandoff;
        var (text, addressed, knowledge) = Compose(request, session, start.Outcome.Resumed, last, others, sources, preview: false);

        return new SodBriefingResult(start.Outcome, session, last, addressed, others, text,
            new ListResult<DocSummary>(knowledge.Docs, knowledge.Docs.Count), knowledge.Audit, knowledge.Notes);
    }

    /// <summary>
    /// The briefing a SOD for the candidate would show right now, read from the same sources in one snapshot
    /// (<see cref="IBriefingSourceStore.ReadBriefingSourcesAsync"/>) and composed by the same builder — but with no
    /// write: the candidate is not stored, nothing is resumed or synthesized, and the header says it is a preview.
    /// The tuple's active session, if there is one, is what SOD would resume, so it is not among the "others"; it is
    /// left out of the items and the total when it is among those read (always, unless more than a page of the
    /// venture's sessions are active — then the total may count it).
    /// </summary>
    public async Task<string> PreviewAsync(SodBriefingRequest request, CancellationToken ct)
    {
        var candidate = request.Candidate;
        var query = QueryFor(request.Venture, candidate, request.DocsFormat, request.Now, request.StaleAfter);
        var sources = await store.ReadBriefingSourcesAsync(query, ct);
        var active = sources.ActiveSessions.Items;
        bool Own(Session s) => s.Agent == candidate.Agent && s.Repo == candidate.Repo && s.Track == candidate.Track;
        var own = active.Count(Own);
        var others = new ListResult<Session>([.. active.Where(s => !Own(s)).Take(SodListLimit)], Math.Max(0, sources.ActiveSessions.Total - own));
        return Compose(request, candidate, resumed: false, sources.LastHandoff, others, sources, preview: true).Text;
    }

    private (string Text, ListResult<Handoff> Addressed, BriefingKnowledge Knowledge) Compose(SodBriefingRequest request, Session session, bool resumed,
        Handoff? last, ListResult<Session> others, BriefingSources sources, bool preview)
    {
        var (venture, now) = (request.Venture, request.Now);
        var addressed = new ListResult<Handoff>(sources.AddressedHandoffs.Items, sources.AddressedHandoffs.Total);
        var knowledge = Knowledge(venture, sources, request.DocsFormat, now);
        var queue = Queue(sources.Queue);
        var text = BriefingBuilder.Build(new BriefingInput(
            venture, session, resumed, request.ServerLabel, last, addressed, others, request.BudgetChars, now,
            knowledge, Operations(venture, sources, now), queue,
            sources.Waiting is { } waiting ? new ListResult<WaitingSession>(waiting.Items, waiting.Total) : null,
            sources.Claims is { } claims ? new ListResult<Claim>(claims.Items, claims.Total) : null,
            sources.Spend,
            Preview: preview));
        return (text, addressed, knowledge);
    }

    /// <summary>
    /// The briefing's reads. Enterprise notes are those tagged <c>executive-summary</c> or one of the venture's note
    /// tags, in briefing order: this venture, then other ventures, then global, newest first. The active sessions are
    /// read one more than shown, so the caller's own can be dropped and a full page still remains. Global duties show
    /// only in the platform venture.
    /// </summary>
    private static BriefingSourceQuery QueryFor(Venture venture, Session candidate, DocsFormat docsFormat, DateTimeOffset now, TimeSpan staleAfter)
    {
        IReadOnlyList<string> tags = [.. venture.NoteTags.Append(BriefingBuilder.NoteTag).Distinct(StringComparer.Ordinal)];
        NoteQuery Notes(IReadOnlyList<string>? only, IReadOnlyList<string>? except) =>
            new(null, tags, only, except, false, PageRequest.First(SodListLimit));
        return new BriefingSourceQuery(
            LastHandoff: new HandoffQuery(venture.Code, candidate.Repo, candidate.Track, null, PageRequest.First(1), HandoffOrigin.Own),
            AddressedHandoffs: new HandoffQuery(venture.Code, null, null, null, PageRequest.First(SodListLimit), HandoffOrigin.Addressed),
            ActiveSessions: new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First(SodListLimit + 1)),
            Notes: [Notes([venture.Code], null), Notes(null, [venture.Code, Venture.Global]), Notes([Venture.Global], null)],
            DocScopes: [venture.Code, Venture.Global],
            FullDocs: docsFormat == DocsFormat.Full,
            OpenAlerts: new AlertQuery(venture.Code, AlertStatus.Open, null, true, PageRequest.First(SodListLimit), AlertOrder.SeverityThenOldest),
            AllOpenAlerts: new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1)),
            PossiblyStaleAlerts: new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1),
                LastSeenBefore: now - AlertRules.PossiblyStaleAfter),
            CadenceScopes: venture.Platform ? [venture.Code, Venture.Global] : [venture.Code],
            WebhookVenture: venture.Code,
            Now: now,
            StaleAfter: staleAfter,
            // The session's agent is part of SOD's tuple, so the candidate's is the one the settled session has.
            Queue: new BriefingQueueQuery(venture.Code, candidate.Agent, PageRequest.First(SodListLimit)),
            // The caller's own session is the tuple's one active session once SOD has written, so leaving out the tuple
            // leaves out exactly the caller, and the total stays exact.
            Waiting: new WaitingQuery(venture.Code, now, staleAfter, PageRequest.First(SodListLimit), candidate.Agent, candidate.Repo, candidate.Track),
            Claims: new ClaimQuery(venture.Code, candidate.Repo, null, PageRequest.First(SodListLimit), candidate.Agent, candidate.Track),
            // The tuple's one active session after SOD's write is the caller's, as for the waiting queue.
            Spend: new SessionSpendQuery(venture.Code, candidate.Agent, candidate.Repo, candidate.Track));
    }

    /// <summary>Enterprise notes in briefing order with the sum of the three exact totals, the docs index and the audit.</summary>
    private BriefingKnowledge Knowledge(Venture venture, BriefingSources sources, DocsFormat docsFormat, DateTimeOffset now)
    {
        var notes = new ListResult<Note>(
            [.. sources.Notes.SelectMany(page => page.Items).Select(h => h.Note)],
            sources.Notes.Sum(page => page.Total));
        var audit = DocAudit.Run(venture, sources.DocRequirements, sources.Docs, now);
        return new BriefingKnowledge(notes, sources.Docs, sources.FullDocs, audit, docsFormat, options.NotesBudgetChars);
    }

    /// <summary>
    /// Open default-branch alerts in briefing order with their exact total, the open ones on other branches (counted),
    /// the venture's due duties, and the self-check figures.
    /// </summary>
    private static BriefingOperations Operations(Venture venture, BriefingSources sources, DateTimeOffset now)
    {
        var w = sources.Webhooks;
        return new BriefingOperations(
            new ListResult<Alert>(sources.OpenAlerts.Items, sources.OpenAlerts.Total),
            sources.AllOpenAlerts - sources.OpenAlerts.Total,
            CadenceRules.ForBriefing(sources.Cadence, venture, now),
            new BriefingHealth(w.Deliveries, w.LastDeliveryAt, sources.PossiblyStaleAlerts, w.UnownedDeliveries, sources.Schema));
    }

    /// <summary>
    /// The venture's exact task counts and the open tasks of the agent registered under the session's agent name
    /// (running first, then assigned; each state's exact total), read in the briefing's snapshot. Null — no section —
    /// when the venture has no task and the session's agent is not registered: the orchestrator is not in use there,
    /// and an empty section would only take room.
    /// </summary>
    private static BriefingQueue? Queue(BriefingQueueSources queue)
    {
        var agentId = queue.RegisteredAgentId;
        if (queue.Counts.Total == 0 && agentId is null) return null;
        if (agentId is null) return new BriefingQueue(queue.Counts, null, new ListResult<BatonTask>([], 0));

        var items = queue.Running.Items.Concat(queue.Assigned.Items).Take(SodListLimit).ToList();
        return new BriefingQueue(queue.Counts, agentId, new ListResult<BatonTask>(items, queue.Running.Total + queue.Assigned.Total));
    }

    /// <summary>
    /// The active sessions of the venture other than the caller's. The caller's session was made active and fresh by
    /// this request's write, which committed before the reads' snapshot, so it is inside the store's exact total:
    /// dropping it leaves an exact total of the others.
    /// </summary>
    private static ListResult<Session> OthersThan(Session own, Page<Session> active)
    {
        var others = active.Items.Where(s => s.Id != own.Id).Take(SodListLimit).ToList();
        return new ListResult<Session>(others, Math.Max(0, active.Total - 1));
    }
}
