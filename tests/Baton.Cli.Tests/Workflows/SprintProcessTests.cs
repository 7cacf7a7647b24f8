using Baton.Cli.Tests.Worker;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;

namespace Baton.Cli.Tests.Workflows;

/// <summary>
/// Sprint waves end to end (docs/architecture.md §17): issues read from the fake gh, waves from their "depends on" /
/// "blocked by", each wave's issues as code tasks run by a real worker, the test playing the reviewer who merges or
/// closes each PR — so the sync gate, the one retry and the report are seen from outside.
/// </summary>
[Collection(WorkflowProcessCollection.Name)]
public sealed class SprintProcessTests
{
    [Fact]
    public async Task SprintPlan_DependencyCycle_IsRefusedNamingTheCycle()
    {
        await using var scene = await WorkflowScene.StartAsync();
        scene.GitHub.AddIssue(WorkerWorld.Repo, 5, "Cache sessions", "Depends on #6.");
        scene.GitHub.AddIssue(WorkerWorld.Repo, 6, "Expire sessions", "Blocked by #5");
        scene.GitHub.AddIssue(WorkerWorld.Repo, 7, "Log sessions", "");

        var refused = await scene.World.RunBatonAsync("a", "sprint", "plan", "--venture", "alpha", "--issues", "7,5,6");
        var planned = await scene.World.RunBatonAsync("a", "sprint", "plan", "--venture", "alpha", "--issues", "7");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("#5 → #6 → #5", refused.Error);
        Assert.Equal(0, planned.ExitCode);
        Assert.Contains("#7", planned.Out);
    }

    [Fact]
    public async Task SprintRun_ThreeWaves_EachWaitsForTheLastToBeMergedOrFailedAndAFailedIssueIsRetriedOnce()
    {
        await using var scene = await WorkflowScene.StartAsync();
        var gh = scene.GitHub;
        gh.AddIssue(WorkerWorld.Repo, 1, "Add login", "The login form.");
        gh.AddIssue(WorkerWorld.Repo, 2, "Add logout", "Depends on #1.");
        gh.AddIssue(WorkerWorld.Repo, 3, "Add profile page", "blocked by #2");
        gh.AddIssue(WorkerWorld.Repo, 4, "Fix the footer", "No dependencies.");
        scene.StartWorker();

        var plan = await scene.World.RunBatonAsync("a", "sprint", "plan", "--venture", "alpha", "--issues", "1,2,3,4");
        Assert.True(plan.ExitCode == 0, plan.Error);
        Assert.Contains("wave 1", plan.Out);
        var started = await scene.World.Client.StartSprintAsync(new StartSprintRequest("alpha", [1, 2, 3, 4], Mode: SprintMode.Task), TestTimeouts.Token());
        var id = started.Sprint.Id;
        Assert.Equal([0, 1, 2, 0], started.Sprint.Items.OrderBy(i => i.Issue).Select(i => i.Wave));

        // Wave 1: #1 merged; #4's first PR closed unmerged (a failure), so it is retried once, and that one is merged.
        var pr1 = await PullRequestOfAsync(scene, id, 1, tries: 1);
        var pr4 = await PullRequestOfAsync(scene, id, 4, tries: 1);
        gh.SetPrState(pr1, PullRequestState.Merged);
        gh.SetPrState(pr4, PullRequestState.Closed);
        var pr4Retry = await PullRequestOfAsync(scene, id, 4, tries: 2);
        Assert.NotEqual(pr4, pr4Retry);
        // The sync gate: #2 has not started while #4 is still open.
        var before = await scene.World.Client.GetSprintAsync(id, TestTimeouts.Token());
        Assert.Equal(SprintItemState.Pending, before.Sprint.Items.Single(i => i.Issue == 2).State);
        gh.SetPrState(pr4Retry, PullRequestState.Merged);

        // Wave 2: #2 merged. Wave 3: #3 fails twice — retried once, then failed for good.
        gh.SetPrState(await PullRequestOfAsync(scene, id, 2, tries: 1), PullRequestState.Merged);
        gh.SetPrState(await PullRequestOfAsync(scene, id, 3, tries: 1), PullRequestState.Closed);
        gh.SetPrState(await PullRequestOfAsync(scene, id, 3, tries: 2), PullRequestState.Closed);

        var done = await WaitForSprintAsync(scene, id, s => s.Sprint.State == SprintState.Done, "done");
        var items = done.Sprint.Items.OrderBy(i => i.Issue).ToList();
        Assert.Equal([SprintItemState.Merged, SprintItemState.Merged, SprintItemState.Failed, SprintItemState.Merged], items.Select(i => i.State));
        Assert.Equal([1, 1, 2, 2], items.Select(i => i.Runs.Count));
        Assert.Contains("closed without being merged", items[2].Reason);
        Assert.Equal((4, 3, 1, 2), (done.Report.Items, done.Report.Merged, done.Report.Failed, done.Report.Retried));
        Assert.True(done.Report.SpendUsd > 0, "the code tasks' spend is summed");

        var shown = await scene.World.RunBatonAsync("a", "sprint", "show", id);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("Report: 4 issues · 3 merged · 1 failed · 2 retried", shown.Out);
    }

    /// <summary>Waits until the issue's try number <paramref name="tries"/> has succeeded with a PR, and answers that PR.</summary>
    private static async Task<string> PullRequestOfAsync(WorkflowScene scene, string sprintId, int issue, int tries)
    {
        var sprint = await WaitForSprintAsync(scene, sprintId, s => s.Sprint.Items.Single(i => i.Issue == issue).Runs.Count >= tries, $"running #{issue}'s try {tries}");
        var run = sprint.Sprint.Items.Single(i => i.Issue == issue).Runs[tries - 1];
        // The try's id is saved on the item before its task is made (in the same pass): wait for the task to exist.
        using (var timeout = new CancellationTokenSource(TestTimeouts.Default))
        {
            while ((await scene.World.Client.ListTasksAsync(new TaskListRequest("alpha", Limit: 200), timeout.Token)).Items.All(t => t.Id != run))
                await Task.Delay(100, timeout.Token);
        }
        var task = await scene.World.WaitForTaskAsync(run, t => t.State == TaskState.Succeeded, "succeeded");
        var pr = System.Text.Json.JsonDocument.Parse(task.Result!).RootElement.GetProperty("pr_url").GetString();
        Assert.False(string.IsNullOrEmpty(pr), $"#{issue}'s try {tries} made no PR");
        return pr!;
    }

    private static async Task<SprintInfo> WaitForSprintAsync(WorkflowScene scene, string id, Func<SprintInfo, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        SprintInfo info;
        while (!done(info = await scene.World.Client.GetSprintAsync(id, timeout.Token)))
        {
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"sprint {id} never became {what}: {string.Join("; ", info.Sprint.Items.Select(i => $"#{i.Issue} wave {i.Wave} {i.State} runs {i.Runs.Count} {i.Reason}"))}\n--- server\n{scene.World.Server.Output}");
            }
        }
        return info;
    }
}
