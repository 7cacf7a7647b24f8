using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>
/// The supervision side of the storage contract (docs/architecture.md §14 Supervision): a success creates its
/// follow-ups in the completion's transaction (a lost lease or a failure creates none), a venture's follow-up rules are
/// stored and read back, and a review's report is stored with the task it reviewed.
/// </summary>
public abstract class SupervisionStoreContractTests : StoreContractBase
{
    private static readonly LeaseTimes Times = LeaseTimes.Default;
    private const string Worker = "worker-key";
    private static readonly FollowUpRule CodeToReview = new("code", "review", "Review: {title}", "Look at {branch} ({pr_url}).", 7);

    private async Task<Agent> AgentAsync(string capability) =>
        (await Store.UpsertAgentAsync(SomeTasks.Agent(T0, capability, name: Some.Name("agent")), Ct)).Agent;

    /// <summary>A task of <paramref name="capability"/>, assigned and started at <paramref name="at"/>.</summary>
    private async Task<BatonTask> RunningAsync(string capability, DateTimeOffset at, string? payload = null)
    {
        var draft = SomeTasks.Task(at, capability: capability);
        var task = await Store.InsertTaskAsync(payload is null ? draft : draft with { Payload = payload }, "creator-key", Ct);
        await Store.DispatchAsync(new DispatchPass(at, Times, ProbeRule.Default, TimeSpan.FromDays(3650), 256), Ct);
        var assigned = (await Store.FindTaskOrNullAsync(task.Id, Ct))!;
        Assert.Equal(TaskState.Assigned, assigned.State);
        var start = await Store.StartTaskAsync(new LeaseCall(task.Id, assigned.Epoch, at, Worker, Times, new Random(1)), Ct);
        return start.Task!;
    }

    private static AttemptOutcome Success(string result = """{"ok":true}""") =>
        new(true, result, null, 1000, null, null, "baton/task-1", "https://github.com/example-org/api/pull/7");

    private static IReadOnlyList<BatonTask> Plan(BatonTask running, DateTimeOffset at) =>
        SupervisionRules.FollowUps(running, [CodeToReview], "baton/task-1", "https://github.com/example-org/api/pull/7", at,
            () => Some.Id("task"), "worker-key");

    [Fact]
    public async Task FinishTask_SuccessWithAFollowUp_CreatesItQueuedWithEventsOnBothTasks()
    {
        await AgentAsync("code");
        var running = await RunningAsync("code", T0);
        var followUps = Plan(running, T0.AddSeconds(5));

        var finish = await Store.FinishTaskAsync(new LeaseCall(running.Id, running.Epoch, T0.AddSeconds(5), Worker, Times, new Random(1), followUps), Success(), Ct);

        Assert.Equal(LeaseResult.Granted, finish.Result);
        var review = (await Store.FindTaskOrNullAsync(followUps.Single().Id, Ct))!;
        Assert.Equal((TaskState.Queued, "review", running.Venture, 7, $"follow-up:{running.Id}"), (review.State, review.Capability, review.Venture, review.Priority, review.CreatedBy));
        Assert.Equal($"Review: {running.Title}", review.Title);
        Assert.Equal("Look at baton/task-1 (https://github.com/example-org/api/pull/7).", review.Prompt);
        Assert.Equal(T0.AddSeconds(5), review.CreatedAt);
        Assert.Equal(running.Id, SupervisionRules.ReviewedTaskId(review.Payload));
        var created = Assert.Single(await Store.ListTaskEventsAsync(review.Id, Ct));
        Assert.Equal((null, TaskState.Queued), (created.From, created.To));
        Assert.Contains("code->review", created.Reason, StringComparison.Ordinal);
        var noted = (await Store.ListTaskEventsAsync(running.Id, Ct)).Last();
        Assert.Equal((TaskState.Succeeded, TaskState.Succeeded), (noted.From, noted.To));
        Assert.Contains(review.Id, noted.Reason, StringComparison.Ordinal);
        Assert.Equal(1, (await Store.CountTasksAsync(running.Venture, Ct)).Queued);
    }

    [Fact]
    public async Task FinishTask_LeaseLost_CreatesNoFollowUp()
    {
        await AgentAsync("code");
        var running = await RunningAsync("code", T0);
        var followUps = Plan(running, T0.AddSeconds(5));

        var stale = await Store.FinishTaskAsync(new LeaseCall(running.Id, running.Epoch + 1, T0.AddSeconds(5), Worker, Times, new Random(1), followUps), Success(), Ct);
        // The lease ran out (ttl 60 s) before this report came.
        var late = await Store.FinishTaskAsync(new LeaseCall(running.Id, running.Epoch, T0.AddSeconds(90), Worker, Times, new Random(1), followUps), Success(), Ct);

        Assert.Equal((LeaseResult.Lost, LeaseResult.Lost), (stale.Result, late.Result));
        Assert.Null(await Store.FindTaskOrNullAsync(followUps.Single().Id, Ct));
        Assert.DoesNotContain(await Store.ListTaskEventsAsync(running.Id, Ct), e => e.Reason.Contains("follow-up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FinishTask_Failure_CreatesNoFollowUp()
    {
        await AgentAsync("code");
        var running = await RunningAsync("code", T0);
        var followUps = Plan(running, T0.AddSeconds(5));

        var fail = await Store.FinishTaskAsync(new LeaseCall(running.Id, running.Epoch, T0.AddSeconds(5), Worker, Times, new Random(1), followUps),
            new AttemptOutcome(false, null, new TaskError("tests_failed", "red"), 10, null, null, null, null), Ct);

        Assert.Equal(TaskState.Failed, fail.Task!.State);
        Assert.Null(await Store.FindTaskOrNullAsync(followUps.Single().Id, Ct));
    }

    [Fact]
    public async Task FinishTask_ReviewSucceeded_StoresTheReportWithTheReviewedTask()
    {
        await AgentAsync("code");
        var reviewer = await AgentAsync("review");
        var code = await RunningAsync("code", T0);
        var followUps = Plan(code, T0.AddSeconds(5));
        await Store.FinishTaskAsync(new LeaseCall(code.Id, code.Epoch, T0.AddSeconds(5), Worker, Times, new Random(1), followUps), Success(), Ct);
        await Store.DispatchAsync(new DispatchPass(T0.AddSeconds(6), Times, ProbeRule.Default, TimeSpan.FromDays(3650), 256), Ct);
        var assigned = (await Store.FindTaskOrNullAsync(followUps.Single().Id, Ct))!;
        Assert.Equal(reviewer.Id, assigned.AssignedAgent);
        var review = (await Store.StartTaskAsync(new LeaseCall(assigned.Id, assigned.Epoch, T0.AddSeconds(7), Worker, Times, new Random(1)), Ct)).Task!;

        await Store.FinishTaskAsync(new LeaseCall(review.Id, review.Epoch, T0.AddSeconds(9), Worker, Times, new Random(1)),
            Success("""{"concerns":["no test for the empty list"],"summary":"Fine otherwise.","verdict":"request_changes"}"""), Ct);

        var report = Assert.Single(await Store.ListTaskReviewsAsync(code.Id, Ct));
        Assert.Equal((code.Id, review.Id, reviewer.Id, ReviewVerdict.RequestChanges, "Fine otherwise.", (string?)null, T0.AddSeconds(9)),
            (report.ReviewedTaskId, report.ReviewTaskId, report.AgentId, report.Verdict, report.Summary, report.Problem, report.At));
        Assert.Equal(["no test for the empty list"], report.Concerns);
        Assert.Empty(await Store.ListTaskReviewsAsync(review.Id, Ct));
        Assert.Contains(await Store.ListTaskEventsAsync(code.Id, Ct), e => e.Reason.StartsWith($"reviewed by {review.Id}: request_changes", StringComparison.Ordinal));
        // The review is no follow-up source of its own: no rule was passed, and its capability is not "code".
        Assert.Equal(2, (await Store.CountTasksAsync(code.Venture, Ct)).Succeeded);
    }

    [Fact]
    public async Task LatestVerdicts_TwoReportsOnOneTask_AnswersTheNewest()
    {
        await AgentAsync("code");
        await AgentAsync("review");
        var code = await RunningAsync("code", T0);
        await Store.FinishTaskAsync(new LeaseCall(code.Id, code.Epoch, T0.AddSeconds(1), Worker, Times, new Random(1)), Success(), Ct);
        var other = await RunningAsync("code", T0.AddSeconds(1));
        foreach (var (verdict, at) in new[] { ("reject", T0.AddSeconds(10)), ("approve", T0.AddSeconds(20)) })
        {
            var review = await RunningAsync("review", at, $$"""{"reviews":"{{code.Id}}"}""");
            await Store.FinishTaskAsync(new LeaseCall(review.Id, review.Epoch, at.AddSeconds(1), Worker, Times, new Random(1)), Success($$"""{"verdict":"{{verdict}}"}"""), Ct);
        }

        var latest = await Store.LatestVerdictsAsync([code.Id, other.Id], Ct);

        Assert.Equal(ReviewVerdict.Approve, Assert.Single(latest, p => p.Key == code.Id).Value);
        Assert.False(latest.ContainsKey(other.Id));
        Assert.Equal([ReviewVerdict.Reject, ReviewVerdict.Approve], (await Store.ListTaskReviewsAsync(code.Id, Ct)).Select(r => r.Verdict));
    }

    [Fact]
    public async Task FinishTask_ReviewOfAnotherVenturesTask_StoresNoReport()
    {
        await AgentAsync("review");
        var elsewhere = await Store.InsertTaskAsync(SomeTasks.Task(T0, "beta", capability: "nobody"), "creator-key", Ct);
        var review = await RunningAsync("review", T0, $$"""{"reviews":"{{elsewhere.Id}}"}""");

        var finish = await Store.FinishTaskAsync(new LeaseCall(review.Id, review.Epoch, T0.AddSeconds(1), Worker, Times, new Random(1)), Success("""{"verdict":"approve"}"""), Ct);

        Assert.Equal(TaskState.Succeeded, finish.Task!.State);
        Assert.Empty(await Store.ListTaskReviewsAsync(elsewhere.Id, Ct));
        Assert.Contains(await Store.ListTaskEventsAsync(review.Id, Ct), e => e.Reason.Contains("no report stored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpsertVentures_WithFollowUps_ReadsThemBack()
    {
        var venture = Some.Venture() with { FollowUps = [CodeToReview, new FollowUpRule("review", "code")] };

        await Store.UpsertVenturesAsync([venture], Ct);
        var stored = (await Store.FindVentureOrNullAsync(venture.Code, Ct))!;
        await Store.UpsertVenturesAsync([venture with { FollowUps = [] }], Ct);

        Assert.Equal(venture.FollowUps, stored.FollowUps);
        Assert.Empty((await Store.FindVentureOrNullAsync(venture.Code, Ct))!.FollowUps);
    }
}
