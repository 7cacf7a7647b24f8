using System.Text.Json;
using Baton.Cli.Tests.Worker;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;

namespace Baton.Cli.Tests.Workflows;

/// <summary>
/// Project workflows end to end (docs/architecture.md §17): the built <c>baton serve</c> driving them, a real
/// <c>baton worker</c> carrying out each step with fake Claude agents, real git, the stateful fake gh, a real HTTP
/// service for the smoke checks.
/// </summary>
[Collection(WorkflowProcessCollection.Name)]
public sealed class WorkflowProcessTests
{
    [Fact]
    public async Task Workflow_FromAnIssue_GoesFromCreateToAcceptedThroughEveryStep()
    {
        await using var scene = await WorkflowScene.StartAsync();
        scene.StartWorker();

        var started = await scene.StartWorkflowAsync();
        Assert.Equal(WorkflowState.Create, started.Workflow.State);
        Assert.Equal("Add dark mode", started.Workflow.Title);
        var id = started.Workflow.Id;
        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        done = await scene.WaitForEffectsAsync(id);

        Assert.Equal(0, done.Workflow.Bounces);
        Assert.Equal(WorkflowScene.GoodPlan, done.Workflow.Plan);
        Assert.Equal(["created", "start", "step", "planned", "step", "approved", "step", "built", "step", "tests_passed", "step", "deployed", "validated"],
            done.Events.Select(e => e.Trigger));
        // One task per step, each the capability the step needs, each succeeded once.
        var tasks = await scene.StepTasksAsync(id);
        Assert.Equal(["plan", "review-plan", "code", "qa", "deploy"], tasks.Select(t => t.Capability));
        Assert.All(tasks, t => Assert.Equal((TaskState.Succeeded, 1), (t.State, t.Attempt)));
        var qa = JsonDocument.Parse(tasks[3].Result!).RootElement;
        Assert.Equal(3, qa.GetProperty("tests").GetProperty("passed").GetInt32());
        Assert.Equal(0, qa.GetProperty("exit_code").GetInt32());

        // GitHub: the plan posted, the PR merged, the issue labelled accepted and closed with the smoke report.
        var pr = done.Workflow.PrUrl!;
        Assert.Contains(scene.GitHub.PullRequests, p => p.Url == pr && p.Branch == done.Workflow.Branch);
        Assert.Contains(pr, scene.GitHub.Merged);
        var comments = scene.GitHub.Comments(WorkerWorld.Repo, 42);
        Assert.Contains(comments, c => c.Contains(WorkflowScene.GoodPlan, StringComparison.Ordinal));
        Assert.Equal(["status:accepted"], scene.GitHub.Labels(WorkerWorld.Repo, 42));
        Assert.True(scene.GitHub.IsClosed(WorkerWorld.Repo, 42));
        Assert.Contains(comments, c => c.Contains("/healthz", StringComparison.Ordinal) && c.Contains("verified", StringComparison.Ordinal));
        Assert.True(scene.Smoke.CountOf("/healthz") >= 1 && scene.Smoke.CountOf("/readyz") >= 1);
        // The code really landed on the workflow's branch in origin.
        Assert.Contains(done.Workflow.Branch, RealGit.Run(scene.World.Origin, "branch", "--list", done.Workflow.Branch));
    }

    [Fact]
    public async Task Workflow_ReviewAnswersGarbageThenRejectsThenApproves_GarbageIsAFailedAttemptAndTheRejectionReplans()
    {
        await using var scene = await WorkflowScene.StartAsync();
        scene.Script(WorkflowScene.AgentReviewer, ("", "Looks fine to me!"), ("", WorkflowScene.Reject), ("", WorkflowScene.Approve));
        scene.Script(WorkflowScene.AgentPlanner, ("", WorkflowScene.GoodPlan), ("", WorkflowScene.GoodPlan + "\n3. Add a test for the toggle."));
        scene.StartWorker();

        var id = (await scene.StartWorkflowAsync()).Workflow.Id;
        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);

        Assert.Equal(1, done.Workflow.Bounces);
        var rejected = done.Events.Single(e => e.Trigger == "plan_rejected");
        Assert.Contains("the plan has no tests for the toggle", rejected.Reason);
        var tasks = await scene.StepTasksAsync(id);
        Assert.Equal(["plan", "review-plan", "plan", "review-plan", "code", "qa", "deploy"], tasks.Select(t => t.Capability));
        // The answer that was no verdict failed its attempt (never an approval); the retry rejected.
        var firstReview = await scene.World.Client.ListTaskResultsAsync(tasks[1].Id, TestTimeouts.Token());
        Assert.Collection(firstReview.Items,
            r => Assert.Equal((false, "bad_result"), (r.Success, r.ErrorType)),
            r => Assert.True(r.Success));
        // The second plan was asked with the review's concern.
        Assert.Contains("the plan has no tests for the toggle", tasks[2].Prompt);
    }

    [Fact]
    public async Task Workflow_TestsFail_OpensABugIssueNamingTheFailingTestsAndReplans()
    {
        await using var scene = await WorkflowScene.StartAsync();
        scene.TestsFailOnce();
        scene.StartWorker();

        var id = (await scene.StartWorkflowAsync()).Workflow.Id;
        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        await scene.WaitForEffectsAsync(id);

        Assert.Equal(1, done.Workflow.Bounces);
        Assert.Contains("2 of 5 tests failed", done.Events.Single(e => e.Trigger == "tests_failed").Reason);
        var bug = Assert.Single(scene.GitHub.CreatedIssues);
        Assert.StartsWith("Tests failed: #42", bug.Title);
        Assert.Contains("appliesDiscountCode", bug.Body);
        Assert.Contains("checksOutWithSavedCard", bug.Body);
        Assert.Contains("bug", bug.Labels);
        Assert.Equal(["plan", "review-plan", "code", "qa", "plan", "review-plan", "code", "qa", "deploy"], (await scene.StepTasksAsync(id)).Select(t => t.Capability));
    }

    [Fact]
    public async Task Workflow_ACriticalEndpointFails_OpensABugIssueWithTheSmokeReportAndReplans()
    {
        await using var scene = await WorkflowScene.StartAsync();
        scene.Smoke.Failing("/readyz", 503);
        scene.StartWorker();

        var id = (await scene.StartWorkflowAsync()).Workflow.Id;
        await scene.WaitForAsync(id, w => w.Workflow.Bounces == 1, "sent back by VALIDATE");
        scene.Smoke.Healthy("/readyz");
        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        await scene.WaitForEffectsAsync(id);

        var failed = done.Events.Single(e => e.Trigger == "validation_failed");
        Assert.Contains("/readyz", failed.Reason);
        var bug = Assert.Single(scene.GitHub.CreatedIssues);
        Assert.Contains("/readyz", bug.Body);
        Assert.Contains("503", bug.Body);
    }

    [Fact]
    public async Task Workflow_ReviewAlwaysRejects_IsFailedOnceItWouldGoBackMoreThanMaxBounces()
    {
        await using var scene = await WorkflowScene.StartAsync(maxBounces: 1);
        scene.Script(WorkflowScene.AgentReviewer, ("", WorkflowScene.Reject));
        scene.StartWorker();

        var id = (await scene.StartWorkflowAsync()).Workflow.Id;
        var done = await scene.WaitForStateAsync(id, WorkflowState.Failed);
        await scene.WaitForEffectsAsync(id);

        Assert.Equal(1, done.Workflow.Bounces);
        Assert.Contains("max_bounces 1", done.Workflow.Reason);
        Assert.Equal(["plan", "review-plan", "plan", "review-plan"], (await scene.StepTasksAsync(id)).Select(t => t.Capability));
        Assert.Equal(["status:failed"], scene.GitHub.Labels(WorkerWorld.Repo, 42));
        Assert.False(scene.GitHub.IsClosed(WorkerWorld.Repo, 42));
    }

    [Fact]
    public async Task Workflow_HumanGates_WaitForRejectAndAdvanceFromTheCli()
    {
        await using var scene = await WorkflowScene.StartAsync(humanGates: """["review", "qa"]""");
        scene.StartWorker();
        var id = (await scene.StartWorkflowAsync()).Workflow.Id;

        var atReview = await scene.WaitForAsync(id, w => w.Workflow.State == WorkflowState.Review && w.Workflow.WaitingForHuman is not null, "waiting at REVIEW");
        Assert.Contains("the review approved the plan", atReview.Workflow.WaitingForHuman);
        var reject = await scene.World.RunBatonAsync("a", "projects", "reject", id, "--reason", "split the toggle from the theme");
        Assert.True(reject.ExitCode == 0, reject.Error + reject.Out);

        await scene.WaitForAsync(id, w => w.Workflow.Bounces == 1 && w.Workflow.State == WorkflowState.Review && w.Workflow.WaitingForHuman is not null, "waiting at REVIEW again");
        var advance = await scene.World.RunBatonAsync("a", "projects", "advance", id, "--reason", "fine now");
        Assert.True(advance.ExitCode == 0, advance.Error + advance.Out);
        await scene.WaitForAsync(id, w => w.Workflow.State == WorkflowState.Qa && w.Workflow.WaitingForHuman is not null, "waiting at QA");
        Assert.Equal(0, (await scene.World.RunBatonAsync("a", "projects", "advance", id)).ExitCode);

        var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        var rejected = done.Events.Single(e => e.Trigger == "plan_rejected");
        Assert.Equal("split the toggle from the theme", rejected.Reason);
        Assert.NotEqual("workflow", rejected.Actor);
        Assert.Equal(2, done.Events.Count(e => e.Trigger == "approved" || e.Trigger == "tests_passed"));
        Assert.Contains("split the toggle from the theme", (await scene.StepTasksAsync(id)).Where(t => t.Capability == "plan").Last().Prompt);
    }

    [Fact]
    public async Task Workflow_ServerKilledInEveryState_ContinuesWhereItStoodWithoutDuplicatingAStep()
    {
        await using var scene = await WorkflowScene.StartAsync();
        // Every step takes long enough to be caught in it.
        scene.Script(WorkflowScene.AgentPlanner, (FakeAgentClis.Sleep(2), WorkflowScene.GoodPlan));
        scene.Script(WorkflowScene.AgentReviewer, (FakeAgentClis.Sleep(2), WorkflowScene.Approve));
        scene.Script(WorkflowScene.AgentCoder, (FakeAgentClis.Commit + FakeAgentClis.Sleep(2), "Implemented."));
        scene.TestsPass(sleepSeconds: 2);
        scene.DeployWorks(sleepSeconds: 2);
        scene.Smoke.Slow("/healthz", TimeSpan.FromSeconds(2));
        scene.StartWorker();
        var id = (await scene.StartWorkflowAsync()).Workflow.Id;

        var killedIn = new List<string>();
        foreach (var state in new[] { WorkflowState.Planning, WorkflowState.Review, WorkflowState.InProgress, WorkflowState.Qa, WorkflowState.Deploy, WorkflowState.Validate })
        {
            var seen = await scene.WaitForAsync(id, w => w.Workflow.State >= state, WorkflowMachine.Name(state));
            Assert.Equal(state, seen.Workflow.State); // caught in it, not after it
            await scene.World.KillServerAsync();
            killedIn.Add($"{WorkflowMachine.Name(state)} (step task {seen.Workflow.StepTaskId ?? "none yet"})");
            await scene.World.RestartServerAsync();
        }
        await scene.WaitForStateAsync(id, WorkflowState.Accepted);
        // SQLite has one engine: claims the killed servers held were released at each start, nothing waits them out.
        var done = await scene.WaitForEffectsAsync(id);

        var tasks = await scene.StepTasksAsync(id);
        Assert.True(tasks.Select(t => t.Capability).SequenceEqual(["plan", "review-plan", "code", "qa", "deploy"]),
            $"killed in {string.Join(", ", killedIn)}; tasks: {string.Join(", ", tasks.Select(t => $"{t.Capability} {t.Id} {t.State}"))}");
        Assert.Equal(5, done.Events.Count(e => e.Trigger == "step"));
        Assert.All(tasks, t => Assert.Equal(TaskState.Succeeded, t.State));
    }
}

[CollectionDefinition(Name)]
public sealed class WorkflowProcessCollection
{
    public const string Name = "workflow processes";
}
