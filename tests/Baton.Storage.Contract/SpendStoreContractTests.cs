using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Spend;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>
/// The spend side of the storage contract (<see cref="ISpendStore"/>, docs/architecture.md §15 Spend): task results'
/// usage summed exactly (integers and micro-dollars), attributed to venture, agent, session and day, the period and the
/// listed groups honoured while the totals count everything, and the briefing's session sum in its snapshot.
/// </summary>
public abstract class SpendStoreContractTests : StoreContractBase
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    private static readonly LeaseTimes Times = LeaseTimes.Default;

    private async Task<Venture> GivenVentureAsync()
    {
        var venture = Some.Venture();
        await Store.UpsertVenturesAsync([venture], Ct);
        return venture;
    }

    /// <summary>An agent with a capability of its own, so each task goes to the agent the test means.</summary>
    private async Task<Agent> GivenAgentAsync() =>
        (await Store.UpsertAgentAsync(SomeTasks.Agent(T0, Some.Name("cap"), name: Some.Name("agent")), Ct)).Agent;

    /// <summary>One task of <paramref name="venture"/> run by <paramref name="agent"/>, finished at <paramref name="at"/> with this usage.</summary>
    private async Task ReportAsync(string venture, Agent agent, DateTimeOffset at, TaskUsage? usage, string? native = null, bool success = true)
    {
        var task = await Store.InsertTaskAsync(SomeTasks.Task(at.AddSeconds(-2), venture, capability: agent.Capabilities[0].Name), "creator-key", Ct);
        await Store.DispatchAsync(new DispatchPass(at.AddSeconds(-2), Times, ProbeRule.Default, TimeSpan.FromDays(3650), 256), Ct);
        var assigned = (await Store.FindTaskOrNullAsync(task.Id, Ct))!;
        Assert.Equal(agent.Id, assigned.AssignedAgent);
        var start = await Store.StartTaskAsync(new LeaseCall(task.Id, assigned.Epoch, at.AddSeconds(-1), "worker", Times, new Random(1)), Ct);
        var outcome = success
            ? new AttemptOutcome(true, """{"ok":true}""", null, 1000, usage, native, null, null)
            : new AttemptOutcome(false, null, new TaskError("tests_failed", "red"), 1000, usage, native, null, null);
        var finish = await Store.FinishTaskAsync(new LeaseCall(task.Id, start.Task!.Epoch, at, "worker", Times, new Random(1)), outcome, Ct);
        Assert.Equal(LeaseResult.Granted, finish.Result);
    }

    private Task<SpendSums> SumAsync(SpendGrouping by, string? venture = null, DateTimeOffset? since = null, int limit = 100, DateTimeOffset? until = null) =>
        Store.SumSpendAsync(new SpendQuery(venture, since, until ?? T0.AddDays(30), by, limit), Ct);

    [Fact]
    public async Task SumSpend_ByVenture_SumsTokensAndCostExactlyAndCountsOnlyReportsWithUsage()
    {
        var alpha = await GivenVentureAsync();
        var beta = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in doubles; summed as micro-dollars it is 0.6 exactly.
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(1), new TaskUsage(1_000, 200, 0.1));
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(2), new TaskUsage(3_000, 400, 0.2));
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(3), new TaskUsage(500, null, 0.3), success: false);
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(4), new TaskUsage(10, 5, null));
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(5), null);
        await ReportAsync(beta.Code, agent, T0.AddMinutes(6), new TaskUsage(7, 3, 1.25));

        var all = await SumAsync(SpendGrouping.Venture);

        Assert.Equal(new SpendTotals(5, 4, 4_517, 608, 1.85m), all.Totals);
        Assert.Equal(2, all.GroupCount);
        Assert.Equal((T0.AddMinutes(1), T0.AddMinutes(6)), (all.FirstAt, all.LastAt));
        var a = all.Groups.Single(g => g.Key == alpha.Code);
        Assert.Equal(new SpendTotals(4, 3, 4_510, 605, 0.6m), a.Totals);
        Assert.Equal((T0.AddMinutes(1), T0.AddMinutes(4)), (a.FirstAt, a.LastAt));
        Assert.Equal(new SpendTotals(1, 1, 7, 3, 1.25m), all.Groups.Single(g => g.Key == beta.Code).Totals);
        // Largest cost first.
        Assert.Equal([beta.Code, alpha.Code], all.Groups.Select(g => g.Key));

        var onlyBeta = await SumAsync(SpendGrouping.Venture, venture: beta.Code);
        Assert.Equal(new SpendTotals(1, 1, 7, 3, 1.25m), onlyBeta.Totals);
        Assert.Equal([beta.Code], onlyBeta.Groups.Select(g => g.Key));
    }

    [Fact]
    public async Task SumSpend_ByAgentSessionAndDay_AttributesEachReport()
    {
        var venture = await GivenVentureAsync();
        var first = await GivenAgentAsync();
        var second = await GivenAgentAsync();
        var session = (await Store.StartOrResumeSessionAsync(
            Some.Session(venture.Code, T0) with { NativeSessionId = "native-a", NativeCli = "claude" }, T0, StaleAfter, Ct)).Session;
        await ReportAsync(venture.Code, first, T0.AddMinutes(1), new TaskUsage(100, 10, 0.01), native: "native-a");
        await ReportAsync(venture.Code, first, T0.AddDays(1).AddMinutes(1), new TaskUsage(200, 20, 0.02), native: "native-a");
        await ReportAsync(venture.Code, second, T0.AddDays(1).AddMinutes(2), new TaskUsage(300, 30, 0.5), native: "native-unknown");

        var byAgent = await SumAsync(SpendGrouping.Agent);
        Assert.Equal([(second.Id, second.Name, 330L), (first.Id, first.Name, 330L)],
            byAgent.Groups.Select(g => (g.Key, g.Label, g.Totals.Tokens)));

        var bySession = await SumAsync(SpendGrouping.Session);
        Assert.Equal(2, bySession.GroupCount);
        Assert.Equal(new SpendTotals(2, 2, 300, 30, 0.03m), bySession.Groups.Single(g => g.Key == session.Id).Totals);
        Assert.Equal(new SpendTotals(1, 1, 300, 30, 0.5m), bySession.Groups.Single(g => g.Key is null).Totals);

        var byDay = await SumAsync(SpendGrouping.Day);
        Assert.Equal([("2026-03-02", 2L), ("2026-03-01", 1L)], byDay.Groups.Select(g => (g.Key!, g.Totals.Reports)));
    }

    [Fact]
    public async Task SumSpend_ByVentureDay_GroupsEachVenturesDaysNewestDayFirstWithTheDayAsLabel()
    {
        var alpha = await GivenVentureAsync();
        var beta = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(1), new TaskUsage(100, 10, 0.1));
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(2), new TaskUsage(100, 10, 0.2));
        await ReportAsync(alpha.Code, agent, T0.AddDays(1).AddMinutes(1), new TaskUsage(1, 1, 1.0));
        await ReportAsync(beta.Code, agent, T0.AddMinutes(3), new TaskUsage(5, 5, null));
        var dev = await GivenInteractiveSessionAsync(beta, "dev-a", T0);
        await TurnEndsAsync(dev, T0.AddDays(1).AddMinutes(5), new HookUsage(7, 3));

        var sums = await SumAsync(SpendGrouping.VentureDay);

        var ordered = new[] { alpha.Code, beta.Code }.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, sums.GroupCount);
        Assert.Equal(new SpendTotals(5, 3, 213, 29, 1.3m), sums.Totals);
        Assert.Equal(
            [(ordered[0], "2026-03-02"), (ordered[1], "2026-03-02"), (ordered[0], "2026-03-01"), (ordered[1], "2026-03-01")],
            sums.Groups.Select(g => (g.Key!, g.Label!)));
        Assert.Equal(new SpendTotals(2, 2, 200, 20, 0.3m), sums.Groups.Single(g => g.Key == alpha.Code && g.Label == "2026-03-01").Totals);
        Assert.Equal(new SpendTotals(1, 0, 7, 3, 0m), sums.Groups.Single(g => g.Key == beta.Code && g.Label == "2026-03-02").Totals);

        var onlyAlpha = await SumAsync(SpendGrouping.VentureDay, venture: alpha.Code, limit: 1);
        Assert.Equal(2, onlyAlpha.GroupCount);
        Assert.Equal([(alpha.Code, "2026-03-02")], onlyAlpha.Groups.Select(g => (g.Key!, g.Label!)));
    }

    [Fact]
    public async Task SumSpend_ByTask_SumsEachTasksAttemptsWithItsTitleAndAnInteractiveSessionUnderNone()
    {
        var venture = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        await ReportAsync(venture.Code, agent, T0.AddMinutes(1), new TaskUsage(100, 10, 0.25));
        await ReportAsync(venture.Code, agent, T0.AddMinutes(2), new TaskUsage(200, 20, 0.5));
        var dev = await GivenInteractiveSessionAsync(venture, "dev-a", T0);
        await TurnEndsAsync(dev, T0.AddMinutes(3), new HookUsage(7, 3));

        var byTask = await SumAsync(SpendGrouping.Task);

        Assert.Equal(3, byTask.GroupCount);
        var tasks = byTask.Groups.Where(g => g.Key is not null).ToList();
        Assert.Equal([0.5m, 0.25m], tasks.Select(g => g.Totals.CostUsd));
        Assert.All(tasks, g => Assert.StartsWith("task_", g.Key));
        Assert.All(tasks, g => Assert.False(string.IsNullOrEmpty(g.Label)));
        Assert.Equal(new SpendTotals(1, 0, 7, 3, 0m), byTask.Groups.Single(g => g.Key is null).Totals);
    }

    [Fact]
    public async Task SumSpend_WithAPeriodAndALimit_SumsThePeriodAndTotalsEveryGroupBeyondTheListedOnes()
    {
        var alpha = await GivenVentureAsync();
        var beta = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        await ReportAsync(alpha.Code, agent, T0.AddMinutes(1), new TaskUsage(1, 1, 9.0));
        await ReportAsync(alpha.Code, agent, T0.AddHours(2), new TaskUsage(2, 2, 0.5));
        await ReportAsync(beta.Code, agent, T0.AddHours(3), new TaskUsage(3, 3, 0.25));
        await ReportAsync(beta.Code, agent, T0.AddHours(5), new TaskUsage(4, 4, 0.125));

        var sums = await SumAsync(SpendGrouping.Venture, since: T0.AddHours(1), limit: 1, until: T0.AddHours(4));

        Assert.Equal(new SpendTotals(2, 2, 5, 5, 0.75m), sums.Totals);
        Assert.Equal(2, sums.GroupCount);
        Assert.Equal(alpha.Code, Assert.Single(sums.Groups).Key);
        Assert.Equal((T0.AddHours(2), T0.AddHours(3)), (sums.FirstAt, sums.LastAt));
    }

    [Fact]
    public async Task SumSpend_NoReports_AnswersZeroTotalsAndNoGroups()
    {
        var sums = await SumAsync(SpendGrouping.Session);

        Assert.Equal(SpendTotals.None, sums.Totals);
        Assert.Equal((0L, 0, (DateTimeOffset?)null), (sums.GroupCount, sums.Groups.Count, sums.FirstAt));
    }

    [Fact]
    public async Task ReadBriefingSources_WithASpendQuery_SumsTheTuplesActiveSessionOnly()
    {
        var venture = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        var earlier = (await Store.StartOrResumeSessionAsync(
            Some.Session(venture.Code, T0, agent: "worker-1", track: "old") with { NativeSessionId = "native-b", NativeCli = "claude" }, T0, StaleAfter, Ct)).Session;
        await ReportAsync(venture.Code, agent, T0.AddMinutes(1), new TaskUsage(1_000, 1_000, 5.0), native: "native-b");
        // The same CLI session resumed under a new Baton session: what it spends from then on is the new session's.
        var candidate = Some.Session(venture.Code, T0.AddMinutes(2), agent: "worker-1") with { NativeSessionId = "native-b", NativeCli = "claude" };
        await Store.StartOrResumeSessionAsync(candidate, T0.AddMinutes(2), StaleAfter, Ct);
        await ReportAsync(venture.Code, agent, T0.AddMinutes(3), new TaskUsage(12_000, 345, 0.42), native: "native-b");
        await ReportAsync(venture.Code, agent, T0.AddMinutes(4), new TaskUsage(99, 99, 9.0), native: "native-other");

        var now = T0.AddMinutes(5);
        var sources = await Store.ReadBriefingSourcesAsync(Query(venture, now, new SessionSpendQuery(venture.Code, "worker-1", candidate.Repo, candidate.Track)), Ct);
        var none = await Store.ReadBriefingSourcesAsync(Query(venture, now, new SessionSpendQuery(venture.Code, "nobody", candidate.Repo, candidate.Track)), Ct);
        var unasked = await Store.ReadBriefingSourcesAsync(Query(venture, now, null), Ct);

        Assert.Equal(new SpendTotals(1, 1, 12_000, 345, 0.42m), sources.Spend);
        Assert.Equal(SpendTotals.None, none.Spend);
        Assert.Null(unasked.Spend);
        Assert.NotEqual(earlier.Id, sources.ActiveSessions.Items.Single(s => s.Track == candidate.Track).Id);
    }

    /// <summary>A Claude turn's end for <paramref name="session"/> at <paramref name="at"/>, with the transcript's cumulative usage so far (or none).</summary>
    private async Task TurnEndsAsync(Session session, DateTimeOffset at, HookUsage? usage, string native = "native-i")
    {
        var e = new HookEvent(Some.Id(IdGenerator.Event), null, null, null, HookCli.Claude, native, "Stop", HookEventKind.TurnEnd,
            null, "done", "/work/alpha", at, at, Usage: usage);
        var recorded = await Store.RecordEventsAsync([new PendingHookEvent(e, session.Id, null, null, at, WaitingChange.None.Instance)], at, StaleAfter, Ct);
        Assert.Equal(session.Id, Assert.Single(recorded).SessionId);
    }

    private async Task<Session> GivenInteractiveSessionAsync(Venture venture, string agent, DateTimeOffset at, string track = Session.DefaultTrack) =>
        (await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, at, agent: agent, track: track), at, StaleAfter, Ct)).Session;

    [Fact]
    public async Task SumSpend_TranscriptReports_CountsEachSessionsLatestCumulativeReportOnce()
    {
        var alpha = await GivenVentureAsync();
        var dev = await GivenInteractiveSessionAsync(alpha, "dev-a", T0);
        var other = await GivenInteractiveSessionAsync(alpha, "dev-b", T0);
        // Each report is the whole session so far: 100, then 300, then 500 input tokens is 500, not 900.
        await TurnEndsAsync(dev, T0.AddMinutes(1), new HookUsage(100, 10, 1_000, 50));
        await TurnEndsAsync(dev, T0.AddMinutes(2), new HookUsage(300, 30, 3_000, 60));
        await TurnEndsAsync(dev, T0.AddMinutes(3), new HookUsage(500, 50, 9_000, 70));
        await TurnEndsAsync(dev, T0.AddMinutes(4), null);
        await TurnEndsAsync(other, T0.AddMinutes(5), new HookUsage(7, 3), native: "native-j");

        var byVenture = await SumAsync(SpendGrouping.Venture);
        var bySession = await SumAsync(SpendGrouping.Session);
        var byAgent = await SumAsync(SpendGrouping.Agent);
        var byDay = await SumAsync(SpendGrouping.Day);
        var earlier = await SumAsync(SpendGrouping.Session, until: T0.AddMinutes(2).AddSeconds(30));

        // Tokens only: transcripts carry no cost, so none of these reports has one.
        Assert.Equal(new SpendTotals(2, 0, 507, 53, 0m), byVenture.Totals);
        Assert.Equal((T0.AddMinutes(3), T0.AddMinutes(5)), (byVenture.FirstAt, byVenture.LastAt));
        Assert.Equal(new SpendTotals(1, 0, 500, 50, 0m), bySession.Groups.Single(g => g.Key == dev.Id).Totals);
        Assert.Equal(new SpendTotals(1, 0, 7, 3, 0m), bySession.Groups.Single(g => g.Key == other.Id).Totals);
        // An agent that never registered is grouped by the session's agent name.
        Assert.Equal([("dev-a", "dev-a", 550L), ("dev-b", "dev-b", 10L)], byAgent.Groups.Select(g => (g.Key, g.Label, g.Totals.Tokens)));
        Assert.Equal([("2026-03-01", 2L)], byDay.Groups.Select(g => (g.Key!, g.Totals.Reports)));
        // Read as of an earlier moment, the latest report then is the one that counts.
        Assert.Equal(new SpendTotals(1, 0, 300, 30, 0m), Assert.Single(earlier.Groups).Totals);
    }

    [Fact]
    public async Task SumSpend_TranscriptAndTaskResultOfOneCliSession_CountsOnlyTheTaskResult()
    {
        var venture = await GivenVentureAsync();
        var agent = await GivenAgentAsync();
        // A worker's headless run fires hooks too: its transcript reports the same tokens its task result does.
        var worker = (await Store.StartOrResumeSessionAsync(
            Some.Session(venture.Code, T0, agent: agent.Name) with { NativeSessionId = "native-w", NativeCli = "claude" }, T0, StaleAfter, Ct)).Session;
        await TurnEndsAsync(worker, T0.AddMinutes(1), new HookUsage(9_999, 999), native: "native-w");
        await ReportAsync(venture.Code, agent, T0.AddMinutes(2), new TaskUsage(100, 10, 0.5), native: "native-w");
        var human = await GivenInteractiveSessionAsync(venture, "dev-a", T0, track: "ui");
        await TurnEndsAsync(human, T0.AddMinutes(3), new HookUsage(40, 4), native: "native-h");

        var bySession = await SumAsync(SpendGrouping.Session);
        var byAgent = await SumAsync(SpendGrouping.Agent);

        Assert.Equal(new SpendTotals(2, 1, 140, 14, 0.5m), bySession.Totals);
        Assert.Equal(new SpendTotals(1, 1, 100, 10, 0.5m), bySession.Groups.Single(g => g.Key == worker.Id).Totals);
        Assert.Equal(new SpendTotals(1, 0, 40, 4, 0m), bySession.Groups.Single(g => g.Key == human.Id).Totals);
        Assert.Equal(110L, byAgent.Groups.Single(g => g.Key == agent.Id).Totals.Tokens);
    }

    [Fact]
    public async Task SumSpend_TranscriptReportsWithAPeriod_CountsASessionWholeInThePeriodOfItsLatestReport()
    {
        var venture = await GivenVentureAsync();
        var dev = await GivenInteractiveSessionAsync(venture, "dev-a", T0);
        await TurnEndsAsync(dev, T0.AddMinutes(1), new HookUsage(100, 10));
        await TurnEndsAsync(dev, T0.AddHours(2), new HookUsage(300, 30));

        var since = await SumAsync(SpendGrouping.Venture, since: T0.AddHours(1));
        var after = await SumAsync(SpendGrouping.Venture, since: T0.AddHours(3));
        var otherVenture = await SumAsync(SpendGrouping.Venture, venture: (await GivenVentureAsync()).Code);

        Assert.Equal(new SpendTotals(1, 0, 300, 30, 0m), since.Totals);
        Assert.Equal(SpendTotals.None, after.Totals);
        Assert.Equal(SpendTotals.None, otherVenture.Totals);
    }

    [Fact]
    public async Task ListSessionEvents_EventWithUsage_KeepsTheUsage()
    {
        var venture = await GivenVentureAsync();
        var dev = await GivenInteractiveSessionAsync(venture, "dev-a", T0);
        await TurnEndsAsync(dev, T0.AddMinutes(1), new HookUsage(100, 10, 1_000, null));
        await TurnEndsAsync(dev, T0.AddMinutes(2), null);

        var events = await Store.ListSessionEventsAsync(dev.Id, PageRequest.First(10), Ct);

        Assert.Equal([null, new HookUsage(100, 10, 1_000, null)], events.Items.Select(e => e.Usage));
    }

    [Fact]
    public async Task ReadBriefingSources_WithTranscriptReports_AddsTheSessionsLatestReport()
    {
        var venture = await GivenVentureAsync();
        var mine = await GivenInteractiveSessionAsync(venture, "worker-1", T0);
        await TurnEndsAsync(mine, T0.AddMinutes(1), new HookUsage(1_000, 100));
        await TurnEndsAsync(mine, T0.AddMinutes(2), new HookUsage(12_000, 345));
        var someoneElse = await GivenInteractiveSessionAsync(venture, "worker-2", T0);
        await TurnEndsAsync(someoneElse, T0.AddMinutes(2), new HookUsage(5, 5), native: "native-x");

        var sources = await Store.ReadBriefingSourcesAsync(Query(venture, T0.AddMinutes(3), new SessionSpendQuery(venture.Code, "worker-1", mine.Repo, mine.Track)), Ct);

        Assert.Equal(new SpendTotals(1, 0, 12_000, 345, 0m), sources.Spend);
    }

    private static BriefingSourceQuery Query(Venture venture, DateTimeOffset now, SessionSpendQuery? spend) => new(
        new HandoffQuery(venture.Code, "example-org/alpha", "main", null, PageRequest.First(1), HandoffOrigin.Own),
        new HandoffQuery(venture.Code, null, null, null, PageRequest.First(20), HandoffOrigin.Addressed),
        new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First(21)),
        [],
        [venture.Code],
        false,
        new AlertQuery(venture.Code, AlertStatus.Open, null, true, PageRequest.First(20), AlertOrder.SeverityThenOldest),
        new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1)),
        new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1), LastSeenBefore: now - AlertRules.PossiblyStaleAfter),
        [venture.Code],
        venture.Code,
        now,
        StaleAfter,
        new BriefingQueueQuery(venture.Code, "worker-1", PageRequest.First(20)),
        Spend: spend);
}
