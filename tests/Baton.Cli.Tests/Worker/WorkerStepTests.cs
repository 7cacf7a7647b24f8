using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Handoffs;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workers;

namespace Baton.Cli.Tests.Worker;

/// <summary>
/// What the worker does for the workflow engine's steps (docs/architecture.md §16, decision 0032), as a machine runs
/// it: command tasks (QA's tests, a deploy) run with <c>sh -c</c>, branch tasks that continue origin's branch and its
/// open PR, and answers held to the payload's <c>expects</c>. The built binary against a real <c>baton serve</c>, real
/// git, fake agent CLIs and a fake gh.
/// </summary>
public sealed class WorkerStepTests : IAsyncLifetime
{
    private WorkerWorld _world = null!;

    public async Task InitializeAsync() => _world = await WorkerWorld.StartAsync(leaseSeconds: 3);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static string Config(string name, string cli, string capability) =>
        $$"""{"agents": [{"name": "{{name}}", "cli": "{{cli}}", "capabilities": [{"name": "{{capability}}", "weight": 0.9}], "max_concurrency": 1}]}""";

    private const string JUnitWithAFailure = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites tests="2" failures="1">
          <testsuite name="CalcTests" tests="2" failures="1" errors="0" skipped="0">
            <testcase classname="CalcTests" name="adds" time="0.01"/>
            <testcase classname="CalcTests" name="divides" time="0.02">
              <failure message="expected 2 but was 3" type="AssertionError">at CalcTests.divides (calc.test.js:12)</failure>
            </testcase>
          </testsuite>
        </testsuites>
        """;

    private const string JUnitPassing = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="OldTests" tests="1" failures="0"><testcase classname="OldTests" name="fixture"/></testsuite>
        """;

    private static string Payload(JsonObject payload) => payload.ToJsonString();

    [Fact]
    public async Task CommandTask_OnAnExistingBranchWritingAFailingJUnitReport_SucceedsWithTheFailureInItsResult()
    {
        // The branch carries earlier work and a committed report fixture: the run must see the first and not count the second.
        _world.PushBranchToOrigin("baton/wf-qa", new Dictionary<string, string>
        {
            ["feature.txt"] = "earlier work\n",
            ["fixtures/junit-fixture.xml"] = JUnitPassing,
        });
        var worker = _world.StartWorker(Config("codex-qa", "codex", "qa"));
        await worker.WaitForLineAsync("taking tasks");
        var command = "cat feature.txt\necho \"task=$BATON_TASK_ID branch=$BATON_BRANCH\"\necho 'one test failed' >&2\nmkdir -p out\n" +
                      "cat > out/junit-results.xml <<'XML'\n" + JUnitWithAFailure + "\nXML\nexit 1";

        var added = await _world.AddTaskAsync("QA", "Run the tests", capability: "qa", maxAttempts: 1,
            payload: Payload(new JsonObject { ["branch"] = "baton/wf-qa", ["run"] = new JsonObject { ["command"] = command } }));
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");
        await worker.WaitForLineAsync($"{task.Id} closed");

        // Failing tests are a result, not a failed attempt: the QA ran, the engine judges.
        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        using var result = JsonDocument.Parse(task.Result!);
        var root = result.RootElement;
        Assert.Equal(1, root.GetProperty("exit_code").GetInt32());
        Assert.Equal("baton/wf-qa", root.GetProperty("branch").GetString());
        var tail = root.GetProperty("output_tail").GetString()!;
        Assert.Contains("earlier work", tail); // it ran in a worktree of origin's branch
        Assert.Contains($"task={task.Id} branch=baton/wf-qa", tail);
        Assert.Contains("one test failed", tail); // stderr is in the tail too
        var tests = root.GetProperty("tests");
        Assert.Equal(1, tests.GetProperty("passed").GetInt32());
        Assert.Equal(1, tests.GetProperty("failed").GetInt32());
        Assert.Equal(["out/junit-results.xml"], tests.GetProperty("reports").EnumerateArray().Select(r => r.GetString()));
        var failure = Assert.Single(tests.GetProperty("failures").EnumerateArray());
        Assert.Equal("CalcTests", failure.GetProperty("suite").GetString());
        Assert.Equal("divides", failure.GetProperty("test").GetString());
        Assert.Contains("expected 2 but was 3", failure.GetProperty("message").GetString());

        // No agent ran, no session was opened, and the log says it was a command.
        Assert.Empty(_world.Agents.Runs);
        Assert.Empty((await _world.Client.ListHandoffsAsync(new HandoffListRequest("alpha", Track: task.Id), TestTimeouts.Token())).Items);
        Assert.Contains($"{task.Id} running sh -c as process group", worker.Output);
        Assert.Contains("(a command, no agent;", worker.Output);
    }

    [Fact]
    public async Task DeployCommand_FailOnExitExiting3_TheAttemptFailsAsCommandFailedWithTheOutput()
    {
        var worker = _world.StartWorker(Config("codex-deploy", "codex", "deploy"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Deploy", "Deploy it", capability: "deploy", maxAttempts: 1,
            payload: Payload(new JsonObject
            {
                ["run"] = new JsonObject { ["command"] = "echo 'deploying api'\necho 'error: connection refused' >&2\nexit 3", ["fail_on_exit"] = true },
            }));
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal(RunErrors.CommandFailed, task.Error!.Type);
        Assert.Contains("exited 3", task.Error.Message);
        Assert.Contains("deploying api", task.Error.Message);
        Assert.Contains("error: connection refused", task.Error.Message);
        Assert.Empty(_world.Agents.Runs);
    }

    [Fact]
    public async Task BranchTask_OriginHasTheBranchWithAnOpenPr_StartsFromItPushesAFastForwardAndReusesThePr()
    {
        var earlier = _world.PushBranchToOrigin("baton/wf-code", new Dictionary<string, string> { ["feature.txt"] = "earlier work\n" });
        const string openPr = "https://github.com/example-org/alpha-console/pull/41";
        _world.Gh.OpenPullRequest = openPr;
        var worker = _world.StartWorker(Config("claude-1", "claude", "code"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Fix what QA found", "Fix it " + FakeAgentClis.Commit,
            payload: """{"branch": "baton/wf-code", "open_pr": true}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");
        await worker.WaitForLineAsync($"{task.Id} closed");

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        using (var result = JsonDocument.Parse(task.Result!))
        {
            Assert.Equal("baton/wf-code", result.RootElement.GetProperty("branch").GetString());
            Assert.Equal(1, result.RootElement.GetProperty("commits").GetInt32());
            Assert.Equal(openPr, result.RootElement.GetProperty("pr_url").GetString());
        }
        var attempt = Assert.Single((await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items);
        Assert.Equal("baton/wf-code", attempt.Branch);
        Assert.Equal(openPr, attempt.PrUrl);

        // Origin's branch moved forward: the agent's commit on top of the earlier work (a fast-forward of it).
        var pushed = RealGit.Run(_world.Origin, "log", "--format=%H %s", "baton/wf-code").Trim().Split('\n');
        Assert.Equal(3, pushed.Length);
        Assert.Contains("fake claude: add", pushed[0]);
        Assert.StartsWith(earlier, pushed[1]);
        var pr = Assert.Single(_world.Gh.Calls, c => c.Length > 1 && c[0] == "pr");
        Assert.Equal(["pr", "create", "--head", "baton/wf-code", "--base", "main"], pr.Take(6));
        var run = Assert.Single(_world.Agents.Runs);
        Assert.Contains("continues origin's branch", run.Argv[^1]);
    }

    [Fact]
    public async Task BranchTask_NoNewCommitOnABranchWithAnOpenPr_StillReportsThatPr()
    {
        _world.PushBranchToOrigin("baton/wf-done", new Dictionary<string, string> { ["feature.txt"] = "earlier work\n" });
        const string openPr = "https://github.com/example-org/alpha-console/pull/42";
        _world.Gh.OpenPullRequest = openPr;
        var worker = _world.StartWorker(Config("codex-1", "codex", "code"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Already done", "Nothing left to do", payload: """{"branch": "baton/wf-done", "open_pr": true}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        using var result = JsonDocument.Parse(task.Result!);
        Assert.Equal(0, result.RootElement.GetProperty("commits").GetInt32());
        Assert.Equal(openPr, result.RootElement.GetProperty("pr_url").GetString());
    }

    [Fact]
    public async Task BranchTask_OriginLacksTheBranch_ItIsNewFromTheDefaultBranchAndPushed()
    {
        var worker = _world.StartWorker(Config("codex-1", "codex", "code"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Start the work", "Build it " + FakeAgentClis.Commit, payload: """{"branch": "baton/wf-new", "open_pr": true}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        using var result = JsonDocument.Parse(task.Result!);
        Assert.Equal("baton/wf-new", result.RootElement.GetProperty("branch").GetString());
        Assert.Equal("https://github.com/example-org/alpha-console/pull/7", result.RootElement.GetProperty("pr_url").GetString());
        var pushed = RealGit.Run(_world.Origin, "log", "--format=%s", "baton/wf-new").Trim().Split('\n');
        Assert.Equal(["fake codex: add baton-fake-codex.txt", "initial"], pushed);
        Assert.DoesNotContain("continues origin's branch", Assert.Single(_world.Agents.Runs).Argv[^1]);
    }

    [Fact]
    public async Task ReviewTask_MalformedVerdictThenAGoodOne_TheFirstAttemptFailsAsBadResultAndTheRetryCarriesTheVerdict()
    {
        var answers = Path.Combine(_world.Root, "answers");
        FakeAgentClis.WriteAnswers(answers, ("", "Looks fine to me, ship it."),
            ("", """{"approved": false, "concerns": ["no rollback plan"], "suggestions": ["add a feature flag"]}"""));
        var worker = _world.StartWorker(Config("codex-review", "codex", "review-plan"), "a",
            new Dictionary<string, string> { [FakeAgentClis.DirectivesVariable("codex")] = FakeAgentClis.Answers(answers) });
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Review the plan", "Review it", capability: "review-plan", maxAttempts: 2,
            payload: """{"expects": "plan_verdict"}""");
        var failed = await _world.WaitForTaskAsync(added.Id, t => t.State is TaskState.Failed or TaskState.Dead, "failed once");

        // Not an approval: a failed attempt, scheduled for a retry like any other.
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.NotNull(failed.RetryAt);
        Assert.Equal(RunErrors.BadResult, failed.Error!.Type);
        Assert.Contains("no verdict", failed.Error.Message);

        await _world.Client.RetryTaskAsync(added.Id, new RetryTaskRequest(), TestTimeouts.Token()); // now, not after the backoff
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        var results = (await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items;
        Assert.Collection(results, r => Assert.Equal(RunErrors.BadResult, r.ErrorType), r => Assert.True(r.Success));
        using var result = JsonDocument.Parse(task.Result!);
        var verdict = result.RootElement.GetProperty("verdict");
        Assert.False(verdict.GetProperty("approved").GetBoolean());
        Assert.Equal(["no rollback plan"], verdict.GetProperty("concerns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["add a feature flag"], verdict.GetProperty("suggestions").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task MalformedRun_FailsAtOnceAsBadPayload_NothingRuns()
    {
        var worker = _world.StartWorker(Config("codex-qa", "codex", "qa"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("QA", "Run the tests", capability: "qa", maxAttempts: 1, payload: """{"run": {"reports": ["**/*.xml"]}}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal(RunErrors.BadPayload, task.Error!.Type);
        Assert.Contains("payload.run.command", task.Error.Message);
        Assert.Empty(_world.Agents.Runs);
        Assert.DoesNotContain($"{task.Id} running", worker.Output);
    }

    [Fact]
    public async Task CommandTask_PastItsTimeout_IsStoppedAsTimeoutWithItsWholeGroup()
    {
        var worker = _world.StartWorker(Config("codex-qa", "codex", "qa"));
        await worker.WaitForLineAsync("taking tasks");
        var pids = Path.Combine(_world.Root, "command-pids.txt");

        var added = await _world.AddTaskAsync("Hanging tests", "Run them", capability: "qa", timeoutSeconds: 2, maxAttempts: 1,
            payload: Payload(new JsonObject { ["run"] = new JsonObject { ["command"] = $"sleep 100000 &\necho \"$$ $!\" > '{pids}'\nwait" } }));
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");
        await worker.WaitForLineAsync($"{task.Id} closed");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal(RunErrors.Timeout, task.Error!.Type);
        var shellAndChild = File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
        Assert.Equal(2, shellAndChild.Count);
        Assert.All(shellAndChild, pid => Assert.False(WorkerWorld.Alive(pid), $"{pid} outlived the command's timeout"));
    }

    [Fact]
    public async Task BranchTask_OnTheDefaultBranchItself_FailsSetupAndLeavesTheClonesCheckoutAlone()
    {
        var worker = _world.StartWorker(Config("codex-1", "codex", "code"));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("On main", "Commit to main " + FakeAgentClis.Commit, maxAttempts: 1, payload: """{"branch": "main", "open_pr": true}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal("setup_failed", task.Error!.Type);
        Assert.Contains("may not work on the default branch main", task.Error.Message);
        Assert.Empty(_world.Agents.Runs);
        Assert.Equal("main", _world.Git("symbolic-ref", "--short", "HEAD").Trim());
    }
}
