using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>
/// The hook-event side of the storage contract (<see cref="IActivityStore"/>, docs/architecture.md §15): events stored
/// once by id and in order, matched to their session, heartbeats that never go backwards, the waiting queue set and
/// cleared, paging with exact totals, and the purge. A store's test project subclasses this once.
/// </summary>
public abstract class ActivityStoreContractTests : StoreContractBase
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);

    private async Task<Venture> GivenVentureAsync()
    {
        var venture = Some.Venture();
        await Store.UpsertVenturesAsync([venture], Ct);
        return venture;
    }

    private async Task<Session> GivenSessionAsync(Venture venture, DateTimeOffset at, string? agent = null, string? repo = null, string track = Session.DefaultTrack)
    {
        var outcome = await Store.StartOrResumeSessionAsync(
            Some.Session(venture.Code, at, agent, repo ?? venture.PrimaryRepo, track), at, StaleAfter, Ct);
        return outcome.Session;
    }

    private static PendingHookEvent Pending(
        DateTimeOffset at,
        string? sessionId = null,
        string? native = null,
        string? agent = null,
        string? venture = null,
        string? repo = null,
        HookEventKind kind = HookEventKind.Tool,
        WaitingChange? waiting = null,
        string? scope = null,
        string? id = null,
        HookCli cli = HookCli.Claude,
        DateTimeOffset? received = null) =>
        new(new HookEvent(id ?? Some.Id(IdGenerator.Event), null, venture, agent, cli, native, kind == HookEventKind.Waiting ? "Notification" : "PreToolUse",
                kind, kind == HookEventKind.Tool ? "Bash" : null, "Bash: make test", "/work/alpha", at, received ?? at),
            sessionId, repo, scope, at, waiting ?? WaitingChange.None.Instance);

    private static PendingHookEvent Waits(DateTimeOffset at, string sessionId, string reason = "permission_prompt", string? message = "Claude needs your permission to use Bash") =>
        Pending(at, sessionId, kind: HookEventKind.Waiting, waiting: new WaitingChange.Set(reason, message, at));

    private static PendingHookEvent Works(DateTimeOffset at, string sessionId) =>
        Pending(at, sessionId, kind: HookEventKind.Tool, waiting: new WaitingChange.Clear(at));

    private Task<IReadOnlyList<RecordedEvent>> RecordAsync(DateTimeOffset now, params PendingHookEvent[] events) =>
        Store.RecordEventsAsync(events, now, StaleAfter, Ct);

    private Task<Page<WaitingSession>> WaitingAsync(DateTimeOffset now, string? venture = null, int limit = 20, string? cursor = null) =>
        Store.ListWaitingAsync(new WaitingQuery(venture, now, StaleAfter, new PageRequest(limit, cursor)), Ct);

    [Fact]
    public async Task RecordEvents_WhenSessionIdGiven_StoresTheEventUnderItsSessionVentureAndAgent()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var at = T0.AddMinutes(1);
        var pending = Pending(at, session.Id, native: "native-1");

        var outcomes = await RecordAsync(at, pending);

        Assert.Equal([new RecordedEvent(pending.Event.Id, RecordedEvent.Stored, session.Id)], outcomes);
        var page = await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct);
        Assert.Equal(1, page.Total);
        Assert.Equal(pending.Event with { SessionId = session.Id, Venture = venture.Code, Agent = session.Agent }, Assert.Single(page.Items));
    }

    [Fact]
    public async Task RecordEvents_WhenAnIdIsSentAgain_StoresItOnceAndAnswersDuplicateWithItsSession()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var first = Pending(T0.AddMinutes(1), session.Id);

        var inOneBatch = await RecordAsync(T0.AddMinutes(1), first, first);
        var inALaterBatch = await RecordAsync(T0.AddMinutes(2), first);

        Assert.Equal([RecordedEvent.Stored, RecordedEvent.Duplicate], inOneBatch.Select(o => o.Outcome));
        Assert.Equal(new RecordedEvent(first.Event.Id, RecordedEvent.Duplicate, session.Id), Assert.Single(inALaterBatch));
        Assert.Equal(1, (await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct)).Total);
    }

    [Fact]
    public async Task RecordEvents_WhenADuplicateWouldChangeTheWaitingQueue_ChangesNothing()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var wait = Waits(T0.AddMinutes(1), session.Id);
        await RecordAsync(T0.AddMinutes(1), wait);
        await RecordAsync(T0.AddMinutes(2), Works(T0.AddMinutes(2), session.Id));

        await RecordAsync(T0.AddMinutes(3), wait);

        Assert.Equal(0, (await WaitingAsync(T0.AddMinutes(3))).Total);
    }

    [Fact]
    public async Task RecordEvents_InABatch_KeepsTheBatchOrderSoALaterEventMatchesTheNativeIdAnEarlierOneRecorded()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var named = Pending(T0.AddMinutes(1), session.Id, native: "claude-native-7");
        var onlyNative = Pending(T0.AddMinutes(2), native: "claude-native-7");

        var outcomes = await RecordAsync(T0.AddMinutes(2), named, onlyNative);

        Assert.All(outcomes, o => Assert.Equal(session.Id, o.SessionId));
        var stored = await Store.FindSessionOrNullAsync(session.Id, T0.AddMinutes(2), StaleAfter, Ct);
        Assert.Equal("claude-native-7", stored?.NativeSessionId);
        Assert.Equal("claude", stored?.NativeCli);
        var events = await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct);
        Assert.Equal([onlyNative.Event.Id, named.Event.Id], events.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task RecordEvents_WhenTheNativeIdBelongsToAnotherCli_DoesNotMatchIt()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        await RecordAsync(T0.AddMinutes(1), Pending(T0.AddMinutes(1), session.Id, native: "shared-id"));

        var outcome = await RecordAsync(T0.AddMinutes(2), Pending(T0.AddMinutes(2), native: "shared-id", cli: HookCli.Gemini));

        Assert.Equal(RecordedEvent.Unmatched, Assert.Single(outcome).Outcome);
    }

    [Fact]
    public async Task RecordEvents_WhenOnlyAgentAndRepoKnown_MatchesTheNewestLiveSessionOfThatAgentThere()
    {
        var venture = await GivenVentureAsync();
        var older = await GivenSessionAsync(venture, T0, agent: "claude-laptop", track: "docs");
        var newer = await GivenSessionAsync(venture, T0.AddMinutes(1), agent: "claude-laptop", track: "main");
        await GivenSessionAsync(venture, T0.AddMinutes(2), agent: "claude-laptop", repo: venture.Org + "/elsewhere");

        var outcome = await RecordAsync(T0.AddMinutes(3), Pending(T0.AddMinutes(3), agent: "claude-laptop", repo: venture.PrimaryRepo));

        Assert.Equal(newer.Id, Assert.Single(outcome).SessionId);
        Assert.NotEqual(older.Id, newer.Id);
    }

    [Fact]
    public async Task RecordEvents_WhenTheAgentsSessionIsStale_StoresTheEventUnmatched()
    {
        var venture = await GivenVentureAsync();
        await GivenSessionAsync(venture, T0, agent: "gone-agent");
        var later = T0 + StaleAfter + TimeSpan.FromMinutes(1);

        var outcome = await RecordAsync(later, Pending(later, agent: "gone-agent", venture: venture.Code));

        Assert.Equal(RecordedEvent.Unmatched, Assert.Single(outcome).Outcome);
        Assert.Null(outcome[0].SessionId);
    }

    [Fact]
    public async Task RecordEvents_WhenTheCallerIsScopedToAnotherVenture_NeverMatchesThisVenturesSession()
    {
        var venture = await GivenVentureAsync();
        var other = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);

        var outcome = await RecordAsync(T0.AddMinutes(1), Pending(T0.AddMinutes(1), session.Id, scope: other.Code));

        Assert.Equal(RecordedEvent.Unmatched, Assert.Single(outcome).Outcome);
        Assert.Equal(0, (await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct)).Total);
    }

    [Fact]
    public async Task RecordEvents_AsAHeartbeat_MovesItForwardButNeverBackwards()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var now = T0.AddMinutes(10);

        await RecordAsync(now, Pending(T0.AddMinutes(8), session.Id));
        var forward = await Store.FindSessionOrNullAsync(session.Id, now, StaleAfter, Ct);
        // An event forwarded late from an outbox: it happened before the heartbeat the session already has.
        await RecordAsync(now, Pending(T0.AddMinutes(3), session.Id));
        var after = await Store.FindSessionOrNullAsync(session.Id, now, StaleAfter, Ct);

        Assert.Equal(T0.AddMinutes(8), forward?.LastHeartbeatAt);
        Assert.Equal(T0.AddMinutes(8), after?.LastHeartbeatAt);
    }

    [Fact]
    public async Task RecordEvents_ForAnEndedSession_StoresTheEventButDoesNotHeartbeatOrQueueIt()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, T0.AddMinutes(1), sessionId: session.Id), T0.AddMinutes(1), StaleAfter, Ct);

        var outcome = await RecordAsync(T0.AddMinutes(5), Waits(T0.AddMinutes(5), session.Id));

        Assert.Equal(RecordedEvent.Stored, Assert.Single(outcome).Outcome);
        var stored = await Store.FindSessionOrNullAsync(session.Id, T0.AddMinutes(5), StaleAfter, Ct);
        Assert.Equal(SessionStatus.Ended, stored?.Status);
        Assert.Equal(T0, stored?.LastHeartbeatAt);
        Assert.Equal(0, (await WaitingAsync(T0.AddMinutes(5))).Total);
    }

    [Fact]
    public async Task Waiting_WhenASessionWaitsTwice_KeepsTheFirstSinceAndTheLatestMessage()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);

        await RecordAsync(T0.AddMinutes(1), Waits(T0.AddMinutes(1), session.Id, "permission_prompt", "first"));
        await RecordAsync(T0.AddMinutes(2), Waits(T0.AddMinutes(2), session.Id, "idle_prompt", "second"));

        var page = await WaitingAsync(T0.AddMinutes(3), venture.Code);
        var waiting = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal(new WaitingSession(session.Id, venture.Code, session.Agent, session.Repo, session.Host, HookCli.Claude, "idle_prompt", "second",
            T0.AddMinutes(1)), waiting);
    }

    [Fact]
    public async Task Waiting_WhenAToolEventFollows_ClearsIt()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        await RecordAsync(T0.AddMinutes(1), Waits(T0.AddMinutes(1), session.Id));

        await RecordAsync(T0.AddMinutes(2), Works(T0.AddMinutes(2), session.Id));

        Assert.Equal(0, (await WaitingAsync(T0.AddMinutes(2))).Total);
    }

    [Fact]
    public async Task Waiting_WhenTheClearingEventHappenedBeforeTheWait_KeepsIt()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        await RecordAsync(T0.AddMinutes(2), Waits(T0.AddMinutes(2), session.Id));

        await RecordAsync(T0.AddMinutes(3), Works(T0.AddMinutes(1), session.Id));

        Assert.Equal(1, (await WaitingAsync(T0.AddMinutes(3))).Total);
    }

    [Fact]
    public async Task Waiting_WhenTheSessionEndsOrGoesStale_LeavesTheQueue()
    {
        var venture = await GivenVentureAsync();
        var ended = await GivenSessionAsync(venture, T0, agent: "ends");
        var stale = await GivenSessionAsync(venture, T0, agent: "goes-stale");
        var live = await GivenSessionAsync(venture, T0.AddMinutes(30), agent: "stays");
        await RecordAsync(T0.AddMinutes(31), Waits(T0.AddMinutes(1), ended.Id), Waits(T0.AddMinutes(1), stale.Id), Waits(T0.AddMinutes(31), live.Id));
        await Store.EndSessionAsync(ended.Id, Some.Handoff(venture.Code, T0.AddMinutes(32), sessionId: ended.Id), T0.AddMinutes(32), StaleAfter, Ct);

        // 47 minutes after T0: the session whose last event was at T0 + 1 min is stale, the one at T0 + 31 min is not.
        var page = await WaitingAsync(T0.AddMinutes(47));

        Assert.Equal(live.Id, Assert.Single(page.Items).SessionId);
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task Waiting_ListsLongestWaitFirstPagedWithExactTotalsAndFiltersByVentureAndTuple()
    {
        var venture = await GivenVentureAsync();
        var other = await GivenVentureAsync();
        var sessions = new List<Session>();
        for (var i = 0; i < 5; i++) sessions.Add(await GivenSessionAsync(venture, T0, agent: $"agent-{i}"));
        var elsewhere = await GivenSessionAsync(other, T0);
        // Waits recorded newest first, so the queue's order is the since, not the order of arrival.
        await RecordAsync(T0.AddMinutes(10), [.. sessions.Select((s, i) => Waits(T0.AddMinutes(10 - i), s.Id)), Waits(T0.AddMinutes(1), elsewhere.Id)]);
        var now = T0.AddMinutes(11);

        var all = await ReadAllPages(c => WaitingAsync(now, venture.Code, 2, c), expectedTotal: 5, expectedPages: 3);
        var except = await Store.ListWaitingAsync(new WaitingQuery(venture.Code, now, StaleAfter, PageRequest.First(),
            sessions[4].Agent, sessions[4].Repo, sessions[4].Track), Ct);

        Assert.Equal(sessions.Select(s => s.Id).Reverse(), all.Select(w => w.SessionId));
        Assert.Equal(6, (await WaitingAsync(now)).Total);
        Assert.Equal(4, except.Total);
        Assert.DoesNotContain(except.Items, w => w.SessionId == sessions[4].Id);
    }

    [Fact]
    public async Task ListWaiting_WhenTheCursorIsNoneItGaveOut_RefusesIt()
    {
        var error = await Assert.ThrowsAsync<BatonException>(() => WaitingAsync(T0, cursor: "not-a-cursor"));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }

    [Fact]
    public async Task ListSessionEvents_PagesNewestFirstWithTheExactTotalOnEveryPage()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var other = await GivenSessionAsync(venture, T0, agent: "someone-else");
        var events = Enumerable.Range(0, 5).Select(i => Pending(T0.AddSeconds(i), session.Id)).ToArray();
        await RecordAsync(T0.AddMinutes(1), [.. events, Pending(T0, other.Id)]);

        var read = await ReadAllPages(c => Store.ListSessionEventsAsync(session.Id, new PageRequest(2, c), Ct), expectedTotal: 5, expectedPages: 3);

        Assert.Equal(events.Select(e => e.Event.Id).Reverse(), read.Select(e => e.Id));
    }

    [Fact]
    public async Task LatestSessionEvents_AnswersTheNewestEventOfEachNamedSessionThatHasOne()
    {
        var venture = await GivenVentureAsync();
        var first = await GivenSessionAsync(venture, T0);
        var second = await GivenSessionAsync(venture, T0, agent: "second-agent");
        var quiet = await GivenSessionAsync(venture, T0, agent: "quiet-agent");
        var unnamed = await GivenSessionAsync(venture, T0, agent: "unnamed-agent");
        var firstEvents = Enumerable.Range(0, 3).Select(i => Pending(T0.AddSeconds(i), first.Id)).ToArray();
        // Ids are minted in this order, as one outbox mints them: the last made is the newest.
        var secondFirst = Pending(T0.AddSeconds(4), second.Id);
        var secondLast = Waits(T0.AddSeconds(5), second.Id);
        await RecordAsync(T0.AddMinutes(1), [.. firstEvents, secondFirst, secondLast, Pending(T0.AddSeconds(6), unnamed.Id)]);

        var latest = await Store.LatestSessionEventsAsync([first.Id, second.Id, quiet.Id, Some.Id(IdGenerator.Session)], null, Ct);

        var expected = new[] { (first.Id, firstEvents[^1].Event.Id), (second.Id, secondLast.Event.Id) }.OrderBy(p => p.Item1, StringComparer.Ordinal);
        Assert.Equal(expected, latest.Select(e => (e.SessionId!, e.Id)).OrderBy(p => p.Item1, StringComparer.Ordinal));
        Assert.Equal(HookEventKind.Waiting, latest.Single(e => e.SessionId == second.Id).Kind);
        Assert.Empty(await Store.LatestSessionEventsAsync([], null, Ct));
    }

    [Fact]
    public async Task LatestSessionEvents_WithAVenture_AnswersOnlyThatVenturesEvents()
    {
        var alpha = await GivenVentureAsync();
        var beta = await GivenVentureAsync();
        var inAlpha = await GivenSessionAsync(alpha, T0);
        var inBeta = await GivenSessionAsync(beta, T0);
        await RecordAsync(T0.AddMinutes(1), Pending(T0.AddSeconds(1), inAlpha.Id), Pending(T0.AddSeconds(2), inBeta.Id));

        var latest = await Store.LatestSessionEventsAsync([inAlpha.Id, inBeta.Id], beta.Code, Ct);

        Assert.Equal(inBeta.Id, Assert.Single(latest).SessionId);
    }

    [Fact]
    public async Task ListSessionEvents_WhenTheCursorIsNotAnEventId_RefusesIt()
    {
        var error = await Assert.ThrowsAsync<BatonException>(() =>
            Store.ListSessionEventsAsync(Some.Id(IdGenerator.Session), new PageRequest(5, Some.Id(IdGenerator.Session)), Ct));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }

    [Fact]
    public async Task PurgeEvents_DeletesOnlyEventsOlderThanTheCutoff()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var old = Pending(T0, session.Id);
        var recent = Pending(T0.AddDays(15), session.Id);
        await RecordAsync(T0.AddDays(15), old, recent);

        var deleted = await Store.PurgeEventsAsync(T0.AddDays(1), Ct);

        Assert.True(deleted >= 1);
        var left = await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct);
        Assert.Equal([recent.Event.Id], left.Items.Select(e => e.Id));
    }

    [Fact]
    public async Task RecordEvents_WithPathCommandAndMessage_ReadsThemBack()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var at = T0.AddMinutes(1);
        var pending = Pending(at, session.Id);
        pending = pending with { Event = pending.Event with { FilePath = "src/app.cs", Command = "make test", Message = "All green. Shall I push?" } };

        await RecordAsync(at, pending);
        var stored = Assert.Single((await Store.ListSessionEventsAsync(session.Id, PageRequest.First(), Ct)).Items);

        Assert.Equal(("src/app.cs", "make test", "All green. Shall I push?"), (stored.FilePath, stored.Command, stored.Message));
    }

    [Fact]
    public async Task InsertDraftHandoff_TwiceForOneTrigger_StoresOneAndAnswersItBothTimes()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var trigger = Some.Id(IdGenerator.Event);
        var draft = Draft(venture, session, trigger, HandoffDraft.Compaction);
        var retry = Draft(venture, session, trigger, HandoffDraft.Compaction);

        var first = await Store.InsertDraftHandoffAsync(draft, Ct);
        var second = await Store.InsertDraftHandoffAsync(retry, Ct);
        var other = await Store.InsertDraftHandoffAsync(Draft(venture, session, Some.Id(IdGenerator.Event), HandoffDraft.SessionEnd), Ct);
        var all = await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First()), Ct);

        Assert.Equal(draft, first);
        Assert.Equal(draft, second);
        Assert.Equal((HandoffDraft.SessionEnd, session.Id), (other?.DraftedBy, other?.SessionId));
        Assert.Equal(2, all.Total);
        Assert.Equal((HandoffDraft.Compaction, trigger), (all.Items[1].DraftedBy, all.Items[1].DraftedFrom));
    }

    [Fact]
    public async Task InsertDraftHandoff_WhenTheAgentWroteAHandoffInTheSession_StoresNothing()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var own = Some.Handoff(venture.Code, T0, repo: session.Repo, sessionId: session.Id);
        await Store.InsertHandoffAsync(own, Ct);

        var draft = await Store.InsertDraftHandoffAsync(Draft(venture, session, HandoffDraftRules.AbandonedTrigger, HandoffDraft.Abandoned), Ct);
        var all = await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First()), Ct);

        Assert.Null(draft);
        Assert.Equal([own.Id], all.Items.Select(h => h.Id));
    }

    private static Handoff Draft(Venture venture, Session session, string trigger, HandoffDraft drafted) =>
        Some.Handoff(venture.Code, T0.AddMinutes(5), repo: session.Repo, sessionId: session.Id) with { DraftedBy = drafted, DraftedFrom = trigger };

    private static Task<List<T>> ReadAllPages<T>(Func<string?, Task<Page<T>>> readPage, long expectedTotal, int expectedPages) =>
        Paging.ReadAllAsync(readPage, expectedTotal, expectedPages);
}
