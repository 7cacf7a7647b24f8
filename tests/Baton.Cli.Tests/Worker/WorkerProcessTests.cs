using System.Text.Json;
using Baton.Core.Handoffs;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Cli.Tests.Worker;

/// <summary>
/// <c>baton worker</c> as a machine runs it: the built binary against a real <c>baton serve</c>, real git worktrees,
/// and fake agent CLIs that print each CLI's real output (docs/architecture.md §16).
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private WorkerWorld _world = null!;

    public async Task InitializeAsync() => _world = await WorkerWorld.StartAsync(leaseSeconds: 3);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static string Agent(string name, string cli, double weight = 0.9, string capability = "code", int maxConcurrency = 1, string extra = "") =>
        $$"""{"name": "{{name}}", "cli": "{{cli}}", "capabilities": [{"name": "{{capability}}", "weight": {{weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}], "max_concurrency": {{maxConcurrency}}{{extra}}}""";

    private static string Config(params string[] agents) => $$"""{"agents": [{{string.Join(", ", agents)}}]}""";

    [Fact]
    public async Task ClaudeTask_RunsEndToEnd_BranchPushedPrOpenedUsageAndHandoffRecorded()
    {
        // The venture's secrets come from this machine's launch.json provider, as `baton launch` gets them.
        var envFile = Path.Combine(_world.Root, "alpha.env");
        File.WriteAllText(envFile, "ALPHA_TOKEN=s3cret-token\n");
        Directory.CreateDirectory(_world.WorkerDataDir("a"));
        File.WriteAllText(Path.Combine(_world.WorkerDataDir("a"), "launch.json"),
            """{"ventures": {"alpha": {"secrets": {"provider": "env-file", "file": "ENV_FILE"}}}}""".Replace("ENV_FILE", envFile, StringComparison.Ordinal));
        var worker = _world.StartWorker(Config(Agent("claude-1", "claude")));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Add the fake file", "Please add a file. " + FakeAgentClis.Commit,
            payload: """{"open_pr": true, "acceptance_criteria": ["the file exists"]}""");
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");
        await worker.WaitForLineAsync($"{task.Id} closed"); // the handoff and the worktree's removal come after the report

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        var branch = "baton/" + task.Id;
        using (var result = JsonDocument.Parse(task.Result!))
        {
            Assert.Equal(branch, result.RootElement.GetProperty("branch").GetString());
            Assert.Equal(1, result.RootElement.GetProperty("commits").GetInt32());
            Assert.Equal("https://github.com/example-org/alpha-console/pull/7", result.RootElement.GetProperty("pr_url").GetString());
        }
        var attempt = Assert.Single((await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items);
        Assert.Equal(branch, attempt.Branch);
        Assert.Equal("https://github.com/example-org/alpha-console/pull/7", attempt.PrUrl);
        Assert.Equal(FakeAgentClis.InputTokens, attempt.Usage!.InputTokens);
        Assert.Equal(FakeAgentClis.ClaudeCostUsd, attempt.Usage.CostUsd);

        // The branch really reached origin, from the fetched main, with the agent's commit on it.
        var pushed = RealGit.Run(_world.Origin, "log", "--format=%s", branch).Trim().Split('\n');
        Assert.Equal(2, pushed.Length);
        Assert.Equal("initial", pushed[^1]);
        var pr = Assert.Single(_world.Gh.Calls, c => c.Length > 1 && c[0] == "pr");
        Assert.Equal(["pr", "create", "--head", branch, "--base", "main"], pr.Take(6));

        // The CLI ran headless with its real flags, in the task's own worktree, on the task's session track.
        var run = Assert.Single(_world.Agents.Runs);
        Assert.Equal(Path.Combine(_world.WorkerDataDir("a"), "worktrees", task.Id), run.Cwd);
        Assert.Contains("-p", run.Argv);
        Assert.Equal("stream-json", run.Argv[run.Argv.ToList().IndexOf("--output-format") + 1]);
        Assert.Contains("--verbose", run.Argv);
        Assert.DoesNotContain("--bare", run.Argv);
        Assert.Contains("--mcp-config", run.Argv);
        Assert.Contains("--settings", run.Argv);
        Assert.Equal("--", run.Argv[^2]); // the prompt last, after --: a prompt starting with "-" is not read as a flag
        var prompt = run.Argv[^1];
        Assert.Contains("the file exists", prompt);
        Assert.Contains(branch, prompt);
        Assert.Equal(task.Id, run.Env["BATON_TRACK"]);
        Assert.Equal("claude-1", run.Env["BATON_AGENT"]);
        Assert.Equal("s3cret-token", run.Env["ALPHA_TOKEN"]);
        Assert.Equal(attempt.NativeSessionId, run.Argv[run.Argv.ToList().IndexOf("--session-id") + 1]);

        // A handoff for the task's session, and the worktree is gone (success).
        var handoff = Assert.Single((await _world.Client.ListHandoffsAsync(new HandoffListRequest("alpha", Track: task.Id), TestTimeouts.Token())).Items);
        Assert.Equal(HandoffStatus.Done, handoff.Status);
        Assert.Contains("succeeded", handoff.Summary);
        Assert.Contains("pull/7", handoff.Summary);
        Assert.False(Directory.Exists(run.Cwd), "the worktree of a succeeded task is removed");
        Assert.False(Directory.Exists(Path.Combine(_world.WorkerDataDir("a"), "worktrees", ".config", task.Id)), "the run's CLI config is removed with it");
    }

    [Fact]
    public async Task Timeout_KillsTheWholeProcessGroup_NoOrphansAndTheWorktreeIsKept()
    {
        var worker = _world.StartWorker(Config(Agent("codex-1", "codex")));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Hang", "Never ends " + FakeAgentClis.IgnoreTerm, timeoutSeconds: 2, maxAttempts: 1);
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");
        await worker.WaitForLineAsync($"{task.Id} closed");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal("timeout", task.Error!.Type);
        var run = Assert.Single(_world.Agents.Runs);
        Assert.NotNull(run.ChildPid);
        Assert.False(WorkerWorld.Alive(run.Pid), $"the CLI {run.Pid} outlived its timeout");
        Assert.False(WorkerWorld.Alive(run.ChildPid!.Value), $"its child {run.ChildPid} outlived its timeout (an orphan)");

        var status = await _world.RunBatonAsync("a", "worker", "status");
        Assert.Contains(task.Id, status.Out);
        Assert.Contains("timeout", status.Out);
        Assert.True(Directory.Exists(run.Cwd), "a failed attempt's worktree is kept");
    }

    [Fact]
    public async Task WorkerKilledMidTask_LeaseExpires_TheTaskSucceedsOnAnotherMachineOnceAndTheLateResultIsRefused()
    {
        var hanging = _world.StartWorker(Config(Agent("claude-a", "claude", weight: 0.9)), "a",
            new Dictionary<string, string> { [FakeAgentClis.DirectivesVariable("claude")] = FakeAgentClis.Hang });
        await hanging.WaitForLineAsync("taking tasks");
        var added = await _world.AddTaskAsync("Survive a dead machine", "Do it");
        await hanging.WaitForLineAsync("running");
        var first = await _world.Client.GetTaskAsync(added.Id, TestTimeouts.Token());
        Assert.Equal(TaskState.Running, first.State);
        try
        {
            hanging.Kill(); // SIGKILL: no report, no release; only the lease can tell
            var other = _world.StartWorker(Config(Agent("codex-b", "codex", weight: 0.5)), "b");
            await other.WaitForLineAsync("taking tasks");

            var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

            Assert.Equal(TaskState.Succeeded, task.State);
            var results = (await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items;
            Assert.Equal(2, results.Count);
            Assert.Equal("timeout", results[0].ErrorType);
            Assert.Single(results, r => r.Success);
            var agents = (await _world.Client.ListAgentsAsync(new AgentListRequest(), TestTimeouts.Token())).Items.ToDictionary(a => a.Name, a => a.Id);
            Assert.Equal(agents["codex-b"], results.Single(r => r.Success).AgentId);
            // The killed machine's agent comes back with its result: the epoch it holds is stale.
            var late = await Assert.ThrowsAsync<Baton.Core.Common.BatonException>(() =>
                _world.Client.CompleteTaskAsync(task.Id, new CompleteTaskRequest(first.Epoch), TestTimeouts.Token()));
            Assert.Equal(Baton.Core.Common.ErrorCodes.LeaseLost, late.Code);
            Assert.Single((await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items, r => r.Success);
        }
        finally
        {
            // The hanging CLI had a process group of its own and outlived its killed worker; it is this test's to end.
            foreach (var run in _world.Agents.Runs.Where(r => r.Cli == "claude"))
            {
                foreach (var pid in new[] { run.Pid, run.ChildPid ?? 0 }.Where(p => p > 0 && WorkerWorld.Alive(p)))
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
        }
    }

    [Fact]
    public async Task RateLimitedCli_PausesItsAgentUntilTheResetAndTheTaskFailsOverToAnotherCli()
    {
        var worker = _world.StartWorker(Config(Agent("claude-1", "claude", weight: 0.9), Agent("codex-1", "codex", weight: 0.8)), "a",
            new Dictionary<string, string> { [FakeAgentClis.DirectivesVariable("claude")] = FakeAgentClis.RateLimit });
        await worker.WaitForLineAsync("taking tasks");
        var before = DateTimeOffset.UtcNow;

        var added = await _world.AddTaskAsync("Fail over", "Do it", maxAttempts: 1);
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        var agents = (await _world.Client.ListAgentsAsync(new AgentListRequest(), TestTimeouts.Token())).Items.ToDictionary(a => a.Name);
        var results = (await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items;
        Assert.Collection(results,
            r => { Assert.Equal(agents["claude-1"].Id, r.AgentId); Assert.Equal(TaskRules.RateLimitedError, r.ErrorType); },
            r => { Assert.Equal(agents["codex-1"].Id, r.AgentId); Assert.True(r.Success); });
        // Paused until the reset the CLI stated (the fake says the hour after next, as Claude words it), not the 15-minute default.
        Assert.True(agents["claude-1"].Paused);
        Assert.InRange(agents["claude-1"].PausedUntil!.Value, before.AddMinutes(30), before.AddHours(2));
        Assert.Contains("rate limited", agents["claude-1"].PauseReason);
    }

    [Fact]
    public async Task MaxCost_PassedToClaude_EndsTheRunAsMaxCost()
    {
        var worker = _world.StartWorker(Config(Agent("claude-1", "claude")));
        await worker.WaitForLineAsync("taking tasks");

        var added = await _world.AddTaskAsync("Expensive", "Spend " + FakeAgentClis.Cost(0.75), maxCost: 0.5, maxAttempts: 1);
        var task = await _world.WaitForTaskAsync(added.Id, t => t.IsFinished, "finished");

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal(Baton.Core.Workers.RunErrors.MaxCost, task.Error!.Type);
        var run = Assert.Single(_world.Agents.Runs);
        Assert.Equal("0.5", run.Argv[run.Argv.ToList().IndexOf("--max-budget-usd") + 1]);
    }

    [Fact]
    public async Task Sigterm_RunningTaskPastTheGrace_IsReleasedAsWorkerShutdownAndQueuedAtOnce()
    {
        var worker = _world.StartWorker(Config(Agent("codex-1", "codex")), "a", (IReadOnlyDictionary<string, string>?)null, "--grace", "1");
        await worker.WaitForLineAsync("taking tasks");
        var added = await _world.AddTaskAsync("Long", "Take your time " + FakeAgentClis.Sleep(60), maxAttempts: 1);
        await worker.WaitForLineAsync("running");

        worker.Terminate();
        var exit = await worker.WaitForExitAsync();

        Assert.True(exit == 0, worker.Output);
        var task = await _world.Client.GetTaskAsync(added.Id, TestTimeouts.Token());
        // Back in the queue at once, its one attempt not spent; not given back to the stopping agent, which paused
        // itself first (and is resumed when its worker starts again).
        Assert.Equal(TaskState.Queued, task.State);
        Assert.Equal(2, task.MaxAttempts);
        var agent = await _world.Client.GetAgentAsync("codex-1", TestTimeouts.Token());
        Assert.True(agent.Paused);
        Assert.StartsWith("worker stopped on ", agent.PauseReason);
        var result = Assert.Single((await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items);
        Assert.Equal(TaskRules.WorkerShutdownError, result.ErrorType);
        Assert.False(WorkerWorld.Alive(Assert.Single(_world.Agents.Runs).Pid), "the stopped run's CLI is gone");

        // Read before the next start: resumed, that worker may take the task again (a second run and result).
        var again = _world.StartWorker(Config(Agent("codex-1", "codex")), "a", (IReadOnlyDictionary<string, string>?)null, "--grace", "0");
        await again.WaitForLineAsync("taking tasks");
        Assert.False((await _world.Client.GetAgentAsync("codex-1", TestTimeouts.Token())).Paused);
        again.Terminate(); // it may have taken the task again: stopped and released at once, its CLI's group killed
        Assert.Equal(0, await again.WaitForExitAsync());
    }

    [Fact]
    public async Task Sigterm_RunningTaskWithinTheGrace_FinishesAndIsReportedBeforeTheWorkerExits()
    {
        var worker = _world.StartWorker(Config(Agent("codex-1", "codex")), "a", (IReadOnlyDictionary<string, string>?)null, "--grace", "60");
        await worker.WaitForLineAsync("taking tasks");
        var added = await _world.AddTaskAsync("Short", "Nearly done " + FakeAgentClis.Sleep(2));
        await worker.WaitForLineAsync("running");

        worker.Terminate();
        var exit = await worker.WaitForExitAsync();

        Assert.True(exit == 0, worker.Output);
        var task = await _world.Client.GetTaskAsync(added.Id, TestTimeouts.Token());
        Assert.True(task.State == TaskState.Succeeded, $"{task.State} {task.Error}\n{worker.Output}");
        Assert.Equal(1, task.Attempt);
    }

    [Fact]
    public async Task TwoWorkersOnOneClone_ManyTasksAtOnce_EveryWorktreeIsMadeAndRemovedWithoutGitTrippingOverTheOther()
    {
        // Two worker processes on one machine share its clones: a fetch reading .git/worktrees while the other process
        // adds or removes a worktree fails unless the clone's lock holds between processes too.
        var a = _world.StartWorker(Config(Agent("claude-a", "claude", maxConcurrency: 3)), "a");
        var b = _world.StartWorker(Config(Agent("codex-b", "codex", maxConcurrency: 3)), "b");
        await a.WaitForLineAsync("taking tasks");
        await b.WaitForLineAsync("taking tasks");

        var added = new List<BatonTask>();
        for (var i = 0; i < 12; i++) added.Add(await _world.AddTaskAsync($"Parallel {i}", "Commit something " + FakeAgentClis.Commit, maxAttempts: 1));
        var done = new List<BatonTask>();
        foreach (var task in added) done.Add(await _world.WaitForTaskAsync(task.Id, t => t.IsFinished, "finished"));

        Assert.All(done, t => Assert.True(t.State == TaskState.Succeeded, $"{t.Id}: {t.State} {t.Error}\n{a.Output}\n{b.Output}"));
        Assert.Equal(12, _world.Agents.Runs.Select(r => r.Cwd).Distinct().Count());
    }

    [Fact]
    public async Task Start_AnAgentsCliMissing_RefusesWithEachOneNamedAndRegistersNothing()
    {
        var worker = _world.StartWorker(Config(
            Agent("claude-1", "claude"),
            Agent("codex-1", "codex", extra: ", \"command\": \"codex-nightly\""),
            Agent("tool-1", "custom", extra: ", \"command\": \"/nonexistent/agent.sh\"")));

        var exit = await worker.WaitForExitAsync();

        Assert.True(exit == 2, worker.Output);
        Assert.Contains("2 agent CLIs are missing", worker.Output);
        Assert.Contains("codex-1: `codex-nightly` is not on PATH", worker.Output);
        Assert.Contains("tool-1: `/nonexistent/agent.sh` is not there", worker.Output);
        Assert.DoesNotContain("claude-1:", worker.Output); // the fake claude is on PATH
        Assert.Empty((await _world.Client.ListAgentsAsync(new AgentListRequest(), TestTimeouts.Token())).Items);
    }

    [Fact]
    public async Task CancelWhileRunning_TheNextRenewStopsTheRunAndItsGroupAndNothingIsReported()
    {
        var worker = _world.StartWorker(Config(Agent("codex-1", "codex")));
        await worker.WaitForLineAsync("taking tasks");
        var added = await _world.AddTaskAsync("Cancelled midway", "Working " + FakeAgentClis.Hang);
        await worker.WaitForLineAsync("running");

        await _world.Client.CancelTaskAsync(added.Id, new CancelTaskRequest("changed my mind"), TestTimeouts.Token());
        await worker.WaitForLineAsync($"{added.Id} closed");

        var task = await _world.Client.GetTaskAsync(added.Id, TestTimeouts.Token());
        Assert.Equal(TaskState.Cancelled, task.State);
        Assert.Empty((await _world.Client.ListTaskResultsAsync(task.Id, TestTimeouts.Token())).Items); // nothing reported for it
        var run = Assert.Single(_world.Agents.Runs);
        Assert.False(WorkerWorld.Alive(run.Pid), "the cancelled run's CLI is gone");
        Assert.False(WorkerWorld.Alive(run.ChildPid!.Value), "and its child with it");
        Assert.Contains("cancelled; its work is dropped", worker.Output);
    }
}
