using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    // ---- SOD: resume-or-create (docs/architecture.md §4) ----

    [Fact]
    public async Task StartOrResume_WhenNoActiveSession_CreatesTheCandidate()
    {
        var venture = await GivenVentureAsync();
        var candidate = Some.Session(venture.Code, T0, meta: new JsonObject { ["editor"] = "vim", ["n"] = 3 });

        var outcome = await Store.StartOrResumeSessionAsync(candidate, T0, StaleAfter, Ct);

        Assert.False(outcome.Resumed);
        Assert.Empty(outcome.Superseded);
        Assert.Null(outcome.Abandoned);
        AssertSameSession(candidate, outcome.Session);
        AssertSameSession(candidate, await Store.FindSessionOrNullAsync(candidate.Id, T0, StaleAfter, Ct));
    }

    [Fact]
    public async Task StartOrResume_WhenFreshSessionExists_ResumesItAndRefreshesHeartbeat()
    {
        var venture = await GivenVentureAsync();
        var first = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(first, T0, StaleAfter, Ct);
        var later = T0.AddMinutes(44);

        var outcome = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, later, agent: first.Agent), later, StaleAfter, Ct);

        Assert.True(outcome.Resumed);
        Assert.Equal(first.Id, outcome.Session.Id);
        Assert.Equal(later, outcome.Session.LastHeartbeatAt);
        Assert.Equal(later, (await Store.FindSessionOrNullAsync(first.Id, later, StaleAfter, Ct))?.LastHeartbeatAt);
    }

    [Fact]
    public async Task StartOrResume_TwiceInARow_ReturnsTheSameSession()
    {
        var venture = await GivenVentureAsync();
        var first = Some.Session(venture.Code, T0);

        var a = await Store.StartOrResumeSessionAsync(first, T0, StaleAfter, Ct);
        var b = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0, agent: first.Agent), T0, StaleAfter, Ct);

        Assert.Equal(a.Session.Id, b.Session.Id);
        Assert.True(b.Resumed);
        Assert.Equal(1, (await Store.ListSessionsAsync(new SessionQuery(venture.Code, null, PageRequest.First()), T0, StaleAfter, Ct)).Total);
    }

    [Fact]
    public async Task StartOrResume_WhenSessionIsStale_AbandonsItAndCreatesNew()
    {
        var venture = await GivenVentureAsync();
        var old = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(old, T0, StaleAfter, Ct);
        var later = T0 + StaleAfter;
        var candidate = Some.Session(venture.Code, later, agent: old.Agent);

        var outcome = await Store.StartOrResumeSessionAsync(candidate, later, StaleAfter, Ct);

        Assert.False(outcome.Resumed);
        Assert.Equal(old.Id, outcome.Abandoned);
        Assert.Equal(candidate.Id, outcome.Session.Id);
        var abandoned = await Store.FindSessionOrNullAsync(old.Id, later, StaleAfter, Ct);
        Assert.Equal(SessionStatus.Abandoned, abandoned?.Status);
        Assert.Equal(EndReason.Stale, abandoned?.EndReason);
        Assert.NotNull(abandoned?.EndedAt);
    }

    [Fact]
    public async Task StartOrResume_AfterAbandoning_NeverReusesTheAbandonedSession()
    {
        var venture = await GivenVentureAsync();
        var old = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(old, T0, StaleAfter, Ct);
        var t1 = T0.AddHours(1);
        var replacement = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, t1, agent: old.Agent), t1, StaleAfter, Ct);
        var t2 = t1.AddMinutes(1);

        var outcome = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, t2, agent: old.Agent), t2, StaleAfter, Ct);

        Assert.True(outcome.Resumed);
        Assert.Equal(replacement.Session.Id, outcome.Session.Id);
        Assert.Equal(SessionStatus.Abandoned, (await Store.FindSessionOrNullAsync(old.Id, t2, StaleAfter, Ct))?.Status);
    }

    [Fact]
    public async Task StartOrResume_WhenOnlyEndedSessionExists_CreatesNew()
    {
        var venture = await GivenVentureAsync();
        var old = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(old, T0, StaleAfter, Ct);
        await Store.EndSessionAsync(old.Id, Some.Handoff(venture.Code, T0, sessionId: old.Id), T0.AddMinutes(1), StaleAfter, Ct);
        var candidate = Some.Session(venture.Code, T0.AddMinutes(2), agent: old.Agent);

        var outcome = await Store.StartOrResumeSessionAsync(candidate, T0.AddMinutes(2), StaleAfter, Ct);

        Assert.False(outcome.Resumed);
        Assert.Equal(candidate.Id, outcome.Session.Id);
        Assert.Null(outcome.Abandoned);
    }

    [Fact]
    public async Task StartOrResume_WhenDuplicatesAreActive_KeepsNewestAndSupersedesTheRest()
    {
        var venture = await GivenVentureAsync();
        var oldest = Some.Session(venture.Code, T0);
        var middle = Some.Session(venture.Code, T0.AddMinutes(1), agent: oldest.Agent);
        var newest = Some.Session(venture.Code, T0.AddMinutes(2), agent: oldest.Agent);
        foreach (var s in new[] { newest, oldest, middle }) await SeedSessionAsync(s);
        var now = T0.AddMinutes(3);

        var outcome = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, now, agent: oldest.Agent), now, StaleAfter, Ct);

        Assert.True(outcome.Resumed);
        Assert.Equal(newest.Id, outcome.Session.Id);
        Assert.Equal(new[] { oldest.Id, middle.Id }.Order(StringComparer.Ordinal), outcome.Superseded.Order(StringComparer.Ordinal));
        foreach (var id in new[] { oldest.Id, middle.Id })
        {
            var superseded = await Store.FindSessionOrNullAsync(id, now, StaleAfter, Ct);
            Assert.Equal(SessionStatus.Ended, superseded?.Status);
            Assert.Equal(EndReason.Superseded, superseded?.EndReason);
            Assert.Equal(now, superseded?.EndedAt);
        }
    }

    [Fact]
    public async Task StartOrResume_WhenDuplicatesAndNewestIsStale_SupersedesRestAbandonsNewestAndCreates()
    {
        var venture = await GivenVentureAsync();
        var older = Some.Session(venture.Code, T0);
        var newer = Some.Session(venture.Code, T0.AddMinutes(1), agent: older.Agent);
        await SeedSessionAsync(older);
        await SeedSessionAsync(newer);
        var now = T0.AddHours(2);
        var candidate = Some.Session(venture.Code, now, agent: older.Agent);

        var outcome = await Store.StartOrResumeSessionAsync(candidate, now, StaleAfter, Ct);

        Assert.False(outcome.Resumed);
        Assert.Equal(candidate.Id, outcome.Session.Id);
        Assert.Equal([older.Id], outcome.Superseded);
        Assert.Equal(newer.Id, outcome.Abandoned);
        var active = await Store.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First()), now, StaleAfter, Ct);
        Assert.Equal([candidate.Id], active.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task StartOrResume_WhenTrackDiffers_CreatesSeparateSession()
    {
        var venture = await GivenVentureAsync();
        var main = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(main, T0, StaleAfter, Ct);

        var outcome = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0, agent: main.Agent, track: "docs"), T0, StaleAfter, Ct);

        Assert.False(outcome.Resumed);
        Assert.NotEqual(main.Id, outcome.Session.Id);
        Assert.Equal(SessionStatus.Active, (await Store.FindSessionOrNullAsync(main.Id, T0, StaleAfter, Ct))?.Status);
    }

    // ---- reads judge staleness at read time ----

    [Fact]
    public async Task FindSession_JustBeforeThreshold_ReadsAsActive()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);

        var found = await Store.FindSessionOrNullAsync(session.Id, T0 + StaleAfter - TimeSpan.FromMilliseconds(1), StaleAfter, Ct);

        AssertSameSession(session, found);
    }

    [Fact]
    public async Task FindSession_AtThreshold_ReadsAsAbandonedStaleEndedWhenItWentStale()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);

        var found = await Store.FindSessionOrNullAsync(session.Id, T0 + StaleAfter, StaleAfter, Ct);

        AssertSameSession(session with { Status = SessionStatus.Abandoned, EndReason = EndReason.Stale, EndedAt = T0 + StaleAfter }, found);
    }

    [Fact]
    public async Task FindSessionOrNull_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Store.FindSessionOrNullAsync(Some.Id("sess"), T0, StaleAfter, Ct));
    }

    [Fact]
    public async Task ListSessions_WithStatusFilter_JudgesStatusAtReadTimeWithExactTotals()
    {
        var venture = await GivenVentureAsync();
        var now = T0.AddHours(3);
        // Three fresh, two stored-active but stale by now, one ended, one stored abandoned.
        var fresh = new List<Session>();
        for (var i = 0; i < 3; i++) fresh.Add((await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, now.AddMinutes(-i)), now.AddMinutes(-i), StaleAfter, Ct)).Session);
        var stale = new List<Session>();
        for (var i = 0; i < 2; i++) stale.Add((await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0), T0, StaleAfter, Ct)).Session);
        var ended = Some.Session(venture.Code, now);
        await Store.StartOrResumeSessionAsync(ended, now, StaleAfter, Ct);
        await Store.EndSessionAsync(ended.Id, Some.Handoff(venture.Code, now, sessionId: ended.Id), now, StaleAfter, Ct);
        var abandonedStored = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(abandonedStored, T0, StaleAfter, Ct);
        await Store.TouchSessionAsync(abandonedStored.Id, null, T0.AddHours(1), StaleAfter, Ct);

        async Task<Page<Session>> List(SessionStatus? status) =>
            await Store.ListSessionsAsync(new SessionQuery(venture.Code, status, PageRequest.First(2)), now, StaleAfter, Ct);

        var active = await List(SessionStatus.Active);
        Assert.Equal(3, active.Total);
        Assert.All(active.Items, s => Assert.Equal(SessionStatus.Active, s.Status));

        var abandoned = await List(SessionStatus.Abandoned);
        Assert.Equal(3, abandoned.Total);
        Assert.All(abandoned.Items, s => Assert.Equal(SessionStatus.Abandoned, s.Status));
        Assert.All(abandoned.Items, s => Assert.Equal(EndReason.Stale, s.EndReason));

        Assert.Equal(1, (await List(SessionStatus.Ended)).Total);
        Assert.Equal(7, (await List(null)).Total);
    }

    [Fact]
    public async Task ListSessions_AtExactlyTheThreshold_CountsTheSessionAsAbandoned()
    {
        var venture = await GivenVentureAsync();
        var atThreshold = Some.Session(venture.Code, T0);
        var justFresh = Some.Session(venture.Code, T0.AddMilliseconds(1));
        await Store.StartOrResumeSessionAsync(atThreshold, T0, StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(justFresh, T0.AddMilliseconds(1), StaleAfter, Ct);
        var now = T0 + StaleAfter;

        var active = await Store.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First()), now, StaleAfter, Ct);
        var abandoned = await Store.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Abandoned, PageRequest.First()), now, StaleAfter, Ct);

        Assert.Equal([justFresh.Id], active.Items.Select(s => s.Id));
        Assert.Equal(1, active.Total);
        Assert.Equal([atThreshold.Id], abandoned.Items.Select(s => s.Id));
        Assert.Equal(1, abandoned.Total);
    }

    [Fact]
    public async Task ListSessions_ByVentureAgentAndRepo_ReturnsOnlyMatches()
    {
        var alpha = await GivenVentureAsync();
        var beta = await GivenVentureAsync();
        var mine = Some.Session(alpha.Code, T0, repo: "example-org/one");
        await Store.StartOrResumeSessionAsync(mine, T0, StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(alpha.Code, T0, repo: "example-org/two"), T0, StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(alpha.Code, T0, repo: "example-org/one"), T0, StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(beta.Code, T0, agent: mine.Agent, repo: "example-org/one"), T0, StaleAfter, Ct);

        var byVenture = await Store.ListSessionsAsync(new SessionQuery(alpha.Code, null, PageRequest.First()), T0, StaleAfter, Ct);
        var byAgent = await Store.ListSessionsAsync(new SessionQuery(alpha.Code, null, PageRequest.First(), Agent: mine.Agent), T0, StaleAfter, Ct);
        var byRepo = await Store.ListSessionsAsync(new SessionQuery(null, null, PageRequest.First(), Repo: "example-org/one"), T0, StaleAfter, Ct);

        Assert.Equal(3, byVenture.Total);
        Assert.All(byVenture.Items, s => Assert.Equal(alpha.Code, s.Venture));
        Assert.Equal([mine.Id], byAgent.Items.Select(s => s.Id));
        Assert.Equal(1, byAgent.Total);
        Assert.Equal(3, byRepo.Total);
    }

    [Fact]
    public async Task ListSessions_PagingThroughAllPages_ReturnsEachOnceNewestFirstWithStableTotal()
    {
        var venture = await GivenVentureAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
            created.Add((await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0), T0, StaleAfter, Ct)).Session.Id);

        var all = await ReadAllPagesAsync(
            cursor => Store.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Active, new PageRequest(3, cursor)), T0, StaleAfter, Ct),
            expectedTotal: 7, expectedPages: 3);

        Assert.Equal(created.AsEnumerable().Reverse(), all.Select(s => s.Id));
    }

    [Fact]
    public async Task ListSessions_WithLimitOutOfRange_ClampsIt()
    {
        var venture = await GivenVentureAsync();
        for (var i = 0; i < 3; i++) await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0), T0, StaleAfter, Ct);

        var tooSmall = await Store.ListSessionsAsync(new SessionQuery(venture.Code, null, new PageRequest(0, null)), T0, StaleAfter, Ct);
        var tooLarge = await Store.ListSessionsAsync(new SessionQuery(venture.Code, null, new PageRequest(10_000, null)), T0, StaleAfter, Ct);

        Assert.Single(tooSmall.Items);
        Assert.NotNull(tooSmall.NextCursor);
        Assert.Equal(3, tooLarge.Items.Count);
        Assert.Null(tooLarge.NextCursor);
    }

    // ---- heartbeat and update ----

    [Fact]
    public async Task TouchSession_WhenActiveAndFresh_RefreshesHeartbeatAndAppliesUpdate()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0, meta: new JsonObject { ["a"] = 1 });
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var now = T0.AddMinutes(10);
        var update = new SessionUpdate("feature/x", "fedcba9876543210fedcba9876543210fedcba98", 42, new JsonObject { ["b"] = "two" });

        var outcome = await Store.TouchSessionAsync(session.Id, update, now, StaleAfter, Ct);

        var expected = session with
        {
            LastHeartbeatAt = now, Branch = "feature/x", CommitSha = update.CommitSha, IssueNumber = 42, Meta = new JsonObject { ["b"] = "two" },
        };
        Assert.Equal(TouchResult.Touched, outcome.Result);
        AssertSameSession(expected, outcome.Session);
        AssertSameSession(expected, await Store.FindSessionOrNullAsync(session.Id, now, StaleAfter, Ct));
    }

    [Fact]
    public async Task TouchSession_WithoutUpdate_OnlyRefreshesHeartbeat()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0, meta: new JsonObject { ["a"] = 1 });
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var now = T0.AddMinutes(30);

        var outcome = await Store.TouchSessionAsync(session.Id, null, now, StaleAfter, Ct);

        Assert.Equal(TouchResult.Touched, outcome.Result);
        AssertSameSession(session with { LastHeartbeatAt = now }, outcome.Session);
    }

    [Fact]
    public async Task TouchSession_WhenStale_MarksItAbandonedAndReportsNotActive()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var now = T0.AddHours(1);

        var outcome = await Store.TouchSessionAsync(session.Id, null, now, StaleAfter, Ct);

        Assert.Equal(TouchResult.NotActive, outcome.Result);
        Assert.Equal(SessionStatus.Abandoned, outcome.Session?.Status);
        Assert.Equal(EndReason.Stale, outcome.Session?.EndReason);
        Assert.Equal(T0, outcome.Session?.LastHeartbeatAt);
        // Stored as abandoned now: even a reader with a much larger threshold sees it so.
        var seenLenient = await Store.FindSessionOrNullAsync(session.Id, now, TimeSpan.FromDays(1), Ct);
        Assert.Equal(SessionStatus.Abandoned, seenLenient?.Status);
    }

    [Fact]
    public async Task TouchSession_WhenEnded_ReportsNotActiveAndChangesNothing()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var ended = await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, T0, sessionId: session.Id), T0.AddMinutes(1), StaleAfter, Ct);

        var outcome = await Store.TouchSessionAsync(session.Id, new SessionUpdate("other", null, null, null), T0.AddMinutes(2), StaleAfter, Ct);

        Assert.Equal(TouchResult.NotActive, outcome.Result);
        AssertSameSession(ended.Session!, outcome.Session);
        AssertSameSession(ended.Session!, await Store.FindSessionOrNullAsync(session.Id, T0.AddMinutes(2), StaleAfter, Ct));
    }

    [Fact]
    public async Task TouchSession_WhenIdUnknown_ReportsNotFound()
    {
        var outcome = await Store.TouchSessionAsync(Some.Id("sess"), null, T0, StaleAfter, Ct);

        Assert.Equal(TouchResult.NotFound, outcome.Result);
        Assert.Null(outcome.Session);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("0")]
    [InlineData("ho_01M8RKQ7E1TYB8JDN73X7QDH6Y")]
    [InlineData("sess_01M8RKQ7E1TYB8JDN73X7QDH6Y' OR 1=1 --")]
    public async Task ListSessions_WithACursorNoListGaveOut_IsInvalidCursorNotAPage(string cursor)
    {
        var venture = await GivenVentureAsync();
        await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0), T0, StaleAfter, Ct);

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            Store.ListSessionsAsync(new SessionQuery(venture.Code, null, new PageRequest(3, cursor)), T0, StaleAfter, Ct));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }
}
