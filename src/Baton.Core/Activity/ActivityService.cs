using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Activity;

/// <summary>
/// Local implementation of <see cref="IActivityService"/> (docs/architecture.md §15). Any key may record events, as
/// any key may heartbeat: a venture-scoped key records only for its venture — an event naming another venture is 403,
/// and only that venture's sessions are matched. Each event is classified and summarised here
/// (<see cref="HookEventRules"/>), so the store receives only bounded, secret-scanned text, never the raw input.
/// </summary>
internal sealed class ActivityService(IActivityStore activity, ISessionStore sessions, IVentureStore ventures, HandoffDrafter drafter,
    BatonCore core, Caller caller) : IActivityService
{
    public async Task<RecordEventsResponse> RecordEventsAsync(RecordEventsRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var events = request.Events;
        if (events is null) v.Add("events", "is required: the batch of hook events, oldest first.");
        else if (events.Count > HookEventRules.MaxBatch)
            v.Add("events", $"must hold at most {HookEventRules.MaxBatch} events (got {events.Count}); send the rest in further batches, in order.");
        else
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is { } e) HookEventRules.Validate(v, $"events[{i}]", e);
                else v.Add($"events[{i}]", "must be an event object, not null.");
            }
        }
        v.ThrowIfAny();

        var inputs = events!.Select(e => e!).ToList();
        foreach (var venture in inputs.Select(e => e.Venture).Where(c => !string.IsNullOrEmpty(c)).Distinct(StringComparer.Ordinal))
            caller.EnsureMayActFor(venture!);

        var now = core.Now();
        var known = new Dictionary<string, Venture?>(StringComparer.Ordinal);
        var pending = new List<PendingHookEvent>(inputs.Count);
        foreach (var e in inputs)
        {
            var repo = await RepoOfAsync(e, known, ct);
            pending.Add(Prepare(e, repo, now));
        }

        var recorded = pending.Count == 0 ? [] : await activity.RecordEventsAsync(pending, now, core.Options.StaleAfter, ct);
        await DraftHandoffsAsync(pending, recorded, ct);
        var duplicates = recorded.Count(r => r.Outcome == RecordedEvent.Duplicate);
        var unmatched = recorded.Count(r => r.Outcome == RecordedEvent.Unmatched);
        return new RecordEventsResponse(recorded.Count - duplicates, duplicates, recorded, unmatched);
    }

    public async Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, EventListRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var session = await sessions.FindSessionOrNullAsync(sessionId, core.Now(), core.Options.StaleAfter, ct)
            ?? throw new BatonException(ErrorCodes.SessionNotFound, $"There is no session '{sessionId}'. `baton sessions` lists them.");
        caller.EnsureMayActFor(session.Venture);
        return await activity.ListSessionEventsAsync(session.Id, new PageRequest(limit, request.Cursor), ct);
    }

    public async Task<Page<WaitingSession>> ListWaitingAsync(WaitingListRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        var venture = string.IsNullOrEmpty(request.Venture) ? null : v.VentureCode("venture", request.Venture);
        v.ThrowIfAny();
        venture = caller.ScopeFilter(venture);
        var now = core.Now();
        var page = await activity.ListWaitingAsync(new WaitingQuery(venture, now, core.Options.StaleAfter, new PageRequest(limit, request.Cursor)), ct);
        return page with { Items = [.. page.Items.Select(w => WithWaited(w, now))] };
    }

    public async Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        var v = new Validator();
        if (sessionIds.Count > PageRequest.MaxLimit)
            v.Add("sessions", $"must name at most {PageRequest.MaxLimit} sessions (got {sessionIds.Count}): ask for a page at a time.");
        else if (sessionIds.Any(string.IsNullOrWhiteSpace)) v.Add("sessions", "must be session ids, not empty.");
        v.ThrowIfAny();
        if (sessionIds.Count == 0) return [];
        return await activity.LatestSessionEventsAsync(sessionIds, caller.ScopeFilter(null), ct);
    }

    /// <summary>
    /// A compaction or session end of a matched session drafts its handoff once the batch is stored. A duplicate drafts
    /// too: the draft is idempotent per (session, trigger event), so a sender retrying a batch whose answer was lost —
    /// or whose draft failed after the events committed — gets the draft written, never twice.
    /// </summary>
    private async Task DraftHandoffsAsync(IReadOnlyList<PendingHookEvent> pending, IReadOnlyList<RecordedEvent> recorded, CancellationToken ct)
    {
        for (var i = 0; i < pending.Count && i < recorded.Count; i++)
        {
            if (recorded[i].SessionId is { } sessionId && HandoffDraftRules.TriggerOf(pending[i].Event.Kind, pending[i].Event.Event) is { } drafted)
                await drafter.DraftAsync(sessionId, drafted, pending[i].Event.Id, ct);
        }
    }

    /// <summary>How long <paramref name="waiting"/> has waited at <paramref name="now"/>, in whole seconds.</summary>
    public static WaitingSession WithWaited(WaitingSession waiting, DateTimeOffset now) =>
        waiting with { WaitedSeconds = Math.Max(0, (long)(now - waiting.Since).TotalSeconds) };

    private PendingHookEvent Prepare(HookEventInput e, string? repo, DateTimeOffset now)
    {
        var cli = e.Cli!.Value;
        var name = e.Event!.Trim();
        var kind = HookEventRules.Classify(cli, name, e.Payload);
        var summary = HookEventRules.Summarize(cli, name, kind, e.Payload);
        var occurred = Timestamp.TruncateToMilliseconds(e.OccurredAt!.Value.ToUniversalTime());
        var stored = new HookEvent(
            Id: e.Id!,
            SessionId: null,
            Venture: Empty(e.Venture),
            Agent: Empty(e.Agent?.Trim()),
            Cli: cli,
            NativeSessionId: Empty(e.NativeSessionId?.Trim()),
            Event: name,
            Kind: kind,
            Tool: HookEventRules.ToolOf(e.Payload),
            Summary: summary,
            Cwd: Empty(e.Cwd?.Trim()),
            OccurredAt: occurred,
            ReceivedAt: now,
            FilePath: HookEventRules.FilePathOf(kind, e.Payload),
            Command: HookEventRules.CommandOf(kind, e.Payload),
            Message: HookEventRules.MessageOf(kind, name, e.Payload),
            Usage: e.Usage);
        var waiting = HookEventRules.WaitingAfter(kind, HookEventRules.WaitingReason(cli, name, e.Payload), summary, occurred);
        return new PendingHookEvent(stored, Empty(e.SessionId), repo, caller.VentureScope,
            occurred < now ? occurred : now, waiting);
    }

    /// <summary>
    /// The event's repo as sessions store it (<c>org/name</c>): normalised with its venture's org when it names a
    /// known venture; as given (trimmed, a trailing <c>.git</c> or <c>/</c> dropped) otherwise.
    /// </summary>
    private async Task<string?> RepoOfAsync(HookEventInput e, Dictionary<string, Venture?> known, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(e.Repo)) return null;
        if (!string.IsNullOrEmpty(e.Venture))
        {
            if (!known.TryGetValue(e.Venture, out var venture))
                known[e.Venture] = venture = await ventures.FindVentureOrNullAsync(e.Venture, ct);
            if (venture is not null) return VentureRules.NormalizeRepo(e.Repo, venture);
        }
        var repo = e.Repo.Trim().TrimEnd('/');
        return repo.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? repo[..^4] : repo;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
