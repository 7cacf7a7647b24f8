using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Orchestration;
using CliKind = Baton.Core.Orchestration.Agents.AgentCli;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Workers;

namespace Baton.Cli.Worker;

/// <summary>Why the worker stopped a run before the CLI ended it by itself.</summary>
public enum StopReason { None, Cancelled, LeaseLost, Timeout, MaxCost, Shutdown }

/// <summary>
/// One assigned task, start to report (docs/architecture.md §16), read top to bottom: start with the epoch → keep the
/// lease (renew every ttl/3; a renew that says cancelled, or a lost lease, stops the run) → the payload's asks read
/// (a malformed one fails at once as <c>bad_payload</c>; a <c>run</c> is a command, <see cref="RunCommandAsync"/>,
/// otherwise the agent runs) → worktree on <c>baton/&lt;task&gt;</c> from the fetched default branch, or on the
/// payload's branch → SOD for the task's session → MCP and hooks registered for the CLI, secrets injected → the CLI
/// headless in a process group of its own, its output read as it streams (the task's max cost enforced from it) → the
/// result from the CLI's own output, held to the payload's <c>expects</c> → report with the epoch (a rate limit pauses
/// the agent first) → push and PR when asked → a handoff for the session → worktree removed on success, kept on failure.
/// </summary>
public sealed class TaskRunner(WorkerContext context, RegisteredAgent agent)
{
    private const int MaxFinalMessage = 20_000;
    private const int MaxHandoffSummary = 2_000;

    private ITaskService Tasks => context.Services.Tasks;

    /// <summary>
    /// 1. Start with the epoch of the assignment (the poll loop does this before it asks again, so the next answer is not
    /// this task once more); null when the task was taken back meanwhile — it is simply not ours any more.
    /// </summary>
    public async Task<BatonTask?> StartAsync(BatonTask assigned)
    {
        try
        {
            var task = await Tasks.StartTaskAsync(assigned.Id, new LeaseRequest(assigned.Epoch), CancellationToken.None);
            context.Say($"{agent.Config.Name}: started {task.Id} \"{task.Title}\" (attempt {task.Attempt} of {task.MaxAttempts}, epoch {task.Epoch})");
            return task;
        }
        catch (BatonException ex) when (ex.Code is ErrorCodes.LeaseLost or ErrorCodes.NotFound)
        {
            context.Say($"{agent.Config.Name}: {assigned.Id} could not be started ({ex.Message}); leaving it");
            return null;
        }
    }

    /// <summary>2–… A started task, to its report and cleanup.</summary>
    /// <param name="received">When the assignment reached this worker (<see cref="Stopwatch"/> ticks), for the start-up's timing line.</param>
    /// <param name="reported">Called once the attempt is reported (or given up): the agent's slot is free for the next task while the handoff and the worktree's cleanup finish.</param>
    public async Task RunStartedAsync(BatonTask task, long received, CancellationToken shutdown, Action? reported = null)
    {
        reported ??= () => { };

        using var control = new RunControl();
        using var keeper = new CancellationTokenSource();
        var attempt = new Attempt();
        var lease = KeepLeaseAsync(task, control, () => attempt.SessionId, keeper.Token);
        // SIGTERM: running tasks get the grace period, then are stopped and released for another machine.
        using var graceTimer = new CancellationTokenSource();
        using var onShutdown = shutdown.Register(() => graceTimer.CancelAfter(context.ShutdownGrace));
        using var onGraceOver = graceTimer.Token.Register(() => control.Stop(StopReason.Shutdown));

        // What the payload asks decides the flow: an ask in a shape the worker cannot read fails at once (nothing runs);
        // a `run` is a command the worker runs itself; anything else is the agent's CLI.
        var (asks, problem) = WorkerRules.ReadAsks(task);
        if (asks is null) attempt.Run = new AgentRunResult(false, RunErrors.BadPayload, problem, null, null, null, null);
        else if (asks.Run is { } command) await RunCommandAsync(task, asks, command, received, control, attempt);
        else await RunAgentAsync(task, asks, received, control, attempt);

        // 6. Report. From here on the lease ends with the report, so stop renewing.
        await keeper.CancelAsync();
        await lease;
        await ReportAsync(task, attempt, control.Reason, reported);
    }

    /// <summary>
    /// 2–5 for an agent: worktree, SOD and secrets at once, the CLI's config, the CLI's run; then its answer held to the
    /// payload's <c>expects</c> (a review without a verdict is a failed attempt, never an approval).
    /// </summary>
    private async Task RunAgentAsync(BatonTask task, TaskAsks asks, long received, RunControl control, Attempt attempt)
    {
        Task<SodResponse>? opening = null;
        try
        {
            // 2–4 at once (none needs another's answer; together they are most of a task's start-up):
            // 2. where the agent works: a fresh worktree for a task with a repo, a scratch directory otherwise;
            var setup = Stopwatch.GetTimestamp();
            var preparing = Timed(PrepareDirectoryAsync(task, asks.Branch, w => attempt.Worktree = w, control.Token));
            // 3. SOD for the task's session, so the agent starts warm; its own `baton mcp` resumes the same session
            //    (same agent, venture, repo, and BATON_TRACK = the task id);
            var nativeId = agent.Config.Cli is CliKind.Claude or CliKind.Gemini ? Guid.NewGuid().ToString() : null;
            opening = OpenSessionAsync(task, new SodRequest(agent.Config.Name, task.Venture, task.Repo,
                Track: task.Id, Cli: CliName(agent.Config.Cli), Host: context.HostName, Branch: task.Repo is null ? null : WorkerRules.BranchOf(task, asks),
                NativeSessionId: nativeId, NativeCli: nativeId is null ? null : CliName(agent.Config.Cli)), control.Token);
            // 4. the venture's secrets and the environment.
            var injecting = EnvironmentAsync(task, null, control.Token);
            var sodTimed = Timed(opening);
            await Task.WhenAll(preparing, sodTimed, injecting);
            var (directory, directoryMs) = await preparing;
            var (sod, sodMs) = await sodTimed;
            attempt.SessionId = sod.Session.Id;
            var environment = await injecting;

            // The CLI's own config (MCP, hooks) for this run.
            var claudeSettings = WriteClaudeConfig(task);
            var worktree = attempt.Worktree;
            var prompt = WorkerRules.Prompt(task, worktree?.Branch ?? "(no repo)", sod.Briefing, worktree?.BranchExisted ?? false);
            var (executable, args) = HeadlessCommand.Arguments(agent.Config, prompt, nativeId ?? Guid.NewGuid().ToString(), task.MaxCostUsd,
                claudeSettings?.Settings, claudeSettings?.Mcp);

            // 5. Run it. The start-up's parts are said with the run, for anyone asking where a task's first second went.
            var timing = $"start {Ms(received, setup)} ms, {(task.Repo is null ? "directory" : "fetch + worktree")} {directoryMs} ms, SOD {sodMs} ms, " +
                         $"all set up {Ms(setup, Stopwatch.GetTimestamp())} ms";
            var started = Stopwatch.GetTimestamp();
            var run = await RunCliAsync(task, executable, args, directory, environment, control, timing);
            attempt.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            attempt.Run = HeldToExpects(asks, run, attempt);
        }
        catch (Exception ex) when (IsSetupFailure(ex, control))
        {
            // A session SOD opened while another step failed still gets its handoff, saying what failed.
            if (attempt.SessionId is null && opening is { IsCompletedSuccessfully: true }) attempt.SessionId = opening.Result.Session.Id;
            attempt.Run = SetupFailed(ex, control);
        }
    }

    /// <summary>A succeeded run whose answer is not what <c>expects</c> asks is a <see cref="RunErrors.BadResult"/> failure (retried like any failure); a verdict read is kept for the result.</summary>
    private static AgentRunResult HeldToExpects(TaskAsks asks, AgentRunResult run, Attempt attempt)
    {
        if (!run.Success) return run;
        var (verdict, problem) = WorkerRules.CheckAnswer(asks.Expects, run.FinalMessage);
        if (problem is not null) return run with { Success = false, ErrorType = RunErrors.BadResult, ErrorMessage = problem };
        attempt.Verdict = verdict;
        return run;
    }

    /// <summary>
    /// 2–5 for a command (payload <c>run</c>: QA's tests, a deploy): the worktree and the environment, then
    /// <c>sh -c</c> in a process group of its own — the task's timeout, a cancellation at the renew and SIGTERM stop
    /// it as they stop an agent — then the test reports it wrote. No SOD, CLI config or handoff: no agent runs. A
    /// non-zero exit is only reported (failing tests are a result the engine judges) unless <c>fail_on_exit</c>.
    /// </summary>
    private async Task RunCommandAsync(BatonTask task, TaskAsks asks, CommandRun command, long received, RunControl control, Attempt attempt)
    {
        try
        {
            var setup = Stopwatch.GetTimestamp();
            var preparing = Timed(PrepareDirectoryAsync(task, asks.Branch, w => attempt.Worktree = w, control.Token));
            var injecting = EnvironmentAsync(task, new Dictionary<string, string> { ["BATON_TASK_ID"] = task.Id, ["BATON_BRANCH"] = WorkerRules.BranchOf(task, asks) }, control.Token);
            await Task.WhenAll(preparing, injecting);
            var (directory, directoryMs) = await preparing;
            var environment = await injecting;
            // Reports already there (committed fixtures, say) are not this run's: only files the command wrote count.
            var before = TestReportFiles.Snapshot(directory, command.Reports);

            var timing = $"a command, no agent; start {Ms(received, setup)} ms, {(task.Repo is null ? "directory" : "fetch + worktree")} {directoryMs} ms, " +
                         $"all set up {Ms(setup, Stopwatch.GetTimestamp())} ms";
            var output = new OutputTail(WorkerRules.OutputTailBytes);
            var started = Stopwatch.GetTimestamp();
            // stderr joins stdout in the shell itself, so the tail is the output in the order a terminal shows it.
            var outcome = await RunInGroupAsync(task, "/bin/sh", ["-c", "exec 2>&1\n" + command.Command], directory, environment, control, "sh -c", timing, output.Add);
            attempt.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var tail = output.Text();

            if (control.Reason != StopReason.None)
                attempt.Run = Stopped(control.Reason, $"after {task.TimeoutSeconds} s") with { FinalMessage = tail };
            else if (command.FailOnExit && outcome.ExitCode != 0)
                attempt.Run = new AgentRunResult(false, RunErrors.CommandFailed, WorkerRules.CommandFailedMessage(command.Command, outcome.ExitCode, tail), null, null, tail, null);
            else
            {
                attempt.Command = new CommandOutcome(outcome.ExitCode, tail, TestReportFiles.Read(directory, command.Reports, before));
                attempt.Run = new AgentRunResult(true, null, null, null, null, null, null);
            }
        }
        catch (Exception ex) when (IsSetupFailure(ex, control))
        {
            attempt.Run = SetupFailed(ex, control);
        }
    }

    /// <summary>What a failure before or around the run is: the git, secrets, server or start-up errors a task can meet, or the run stopped meanwhile.</summary>
    private static bool IsSetupFailure(Exception ex, RunControl control) =>
        ex is WorkspaceException or SecretsException or BatonException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or UsageException
        || (ex is OperationCanceledException && control.Reason != StopReason.None);

    private static AgentRunResult SetupFailed(Exception ex, RunControl control) =>
        control.Reason != StopReason.None
            ? Stopped(control.Reason, "before the agent finished setting up")
            : new AgentRunResult(false, "setup_failed", ex.Message, null, null, null, null);

    /// <summary>SOD needs a repo: a task without one works on its venture's primary repo's session tuple.</summary>
    private async Task<SodResponse> OpenSessionAsync(BatonTask task, SodRequest request, CancellationToken ct)
    {
        if (request.Repo is null) request = request with { Repo = (await context.VentureAsync(task.Venture, ct)).PrimaryRepo };
        return await context.Services.Sessions.SodAsync(request, ct);
    }

    private async Task<string> PrepareDirectoryAsync(BatonTask task, string? onBranch, Action<Worktree> made, CancellationToken ct)
    {
        if (task.Repo is null)
        {
            var scratch = Path.Combine(context.Workspace.Root, task.Id);
            Directory.CreateDirectory(scratch);
            return scratch;
        }
        var clone = context.Clones.GetValueOrDefault(task.Repo.ToLowerInvariant())
            ?? throw new WorkspaceException($"no clone of {task.Repo} on this machine any more: clone it under BATON_REPO_ROOTS and restart the worker.");
        var worktree = await context.Workspace.CreateAsync(clone, task.Id, task.Attempt, context.DefaultBranches.GetValueOrDefault(task.Repo.ToLowerInvariant()), onBranch, ct);
        made(worktree);
        return worktree.Path;
    }

    /// <summary>
    /// Claude gets its MCP server and hooks from files outside the worktree (<c>--mcp-config</c>, <c>--settings</c>), so
    /// nothing of Baton's lands in the tree the agent commits. Gemini and Codex were registered at the user level when
    /// the worker started.
    /// </summary>
    private (string Settings, string Mcp)? WriteClaudeConfig(BatonTask task)
    {
        if (agent.Config.Cli != CliKind.Claude) return null;
        var dir = Path.Combine(context.Workspace.Root, ".config", task.Id);
        Directory.CreateDirectory(dir);
        var settings = Path.Combine(dir, "settings.json");
        var mcp = Path.Combine(dir, "mcp.json");
        HookInstaller.Install(Launch.AgentCli.Claude, settings, HookInstaller.CommandLine(context.Hook.Command, context.Hook.Prefix, Launch.AgentCli.Claude));
        McpRegistration.Claude(mcp, context.Mcp.Command, context.Mcp.Args);
        return (settings, mcp);
    }

    /// <summary>The agent's environment (a command gets the same, plus <paramref name="extra"/>): the worker's own minus the deny list, the venture's secrets, Baton's variables.</summary>
    private async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(BatonTask task, IReadOnlyDictionary<string, string>? extra, CancellationToken ct)
    {
        var launch = context.Launch.For(task.Venture);
        IReadOnlyDictionary<string, string> secrets = new Dictionary<string, string>();
        if (launch.Secrets is { Provider: not Secrets.None } provider)
        {
            var venture = await context.VentureAsync(task.Venture, ct);
            // The worker's own key serves the agent unless the venture's secrets carry one: none is required of them.
            // Checked against the clone the worktree comes from: an env file inside it would be in every worktree.
            var repoDirectory = task.Repo is null ? context.Workspace.Root : context.Clones.GetValueOrDefault(task.Repo.ToLowerInvariant()) ?? context.Workspace.Root;
            secrets = await Secrets.FetchAsync(provider, venture.SecretsPath, "dev", repoDirectory, launch.RequiredKeys ?? [], context.Environment, ct);
        }
        var baton = new Dictionary<string, string>
        {
            ["BATON_URL"] = context.ServerUrl,
            ["BATON_VENTURE"] = task.Venture,
            ["BATON_AGENT"] = agent.Config.Name,
            ["BATON_TRACK"] = task.Id,
            ["BATON_DATA_DIR"] = context.DataDir,
        };
        if ((secrets.GetValueOrDefault("BATON_KEY") ?? context.Key) is { } key) baton["BATON_KEY"] = key;
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) baton[name] = value;
        var deny = ChildEnvironment.DefaultDeny.Concat(launch.DenyEnv ?? []).ToList();
        return ChildEnvironment.Build(context.Environment, deny, secrets, baton);
    }

    private async Task<AgentRunResult> RunCliAsync(BatonTask task, string executable, IReadOnlyList<string> args, string directory,
        IReadOnlyDictionary<string, string> environment, RunControl control, string timing)
    {
        var reader = AgentOutputReaders.For(agent.Config);
        var maxCost = task.MaxCostUsd;
        var outcome = await RunInGroupAsync(task, executable, args, directory, environment, control, Path.GetFileName(executable), timing, line =>
        {
            reader.ReadLine(line);
            // The worker's own enforcement: whatever the CLI's flags, a run that has spent the task's maximum stops.
            if (maxCost is { } max && reader.UsageSoFar?.CostUsd is { } spent && spent >= max) control.Stop(StopReason.MaxCost);
        });
        var result = reader.Finish(outcome.ExitCode, outcome.StderrTail, context.Clock.GetUtcNow());
        return control.Reason == StopReason.None ? result : Stopped(control.Reason, $"after {task.TimeoutSeconds} s", result);
    }

    /// <summary>
    /// One process (an agent's CLI or a command's shell) in a process group of its own, its stdout fed line by line to
    /// <paramref name="onLine"/>: whatever stops the run (the task's timeout, a cancellation, a lost lease, a budget, a
    /// shutdown) stops the whole group.
    /// </summary>
    private async Task<ProcessOutcome> RunInGroupAsync(BatonTask task, string executable, IReadOnlyList<string> args, string directory,
        IReadOnlyDictionary<string, string> environment, RunControl control, string what, string timing, Action<string> onLine)
    {
        using var group = ProcessGroup.Start(executable, args, directory, environment);
        context.Say($"{agent.Config.Name}: {task.Id} running {what} as process group {group.Id} in {directory} ({timing})");
        using var onStop = control.Token.Register(() => _ = group.StopAsync(context.KillAfter));
        control.StopAfter(TimeSpan.FromSeconds(task.TimeoutSeconds), StopReason.Timeout);

        var lines = Task.Run(async () =>
        {
            await foreach (var line in group.ReadLinesAsync()) onLine(line);
        });
        var outcome = await group.WaitAsync(RunEnd.Stopped);
        await lines.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        return outcome;
    }

    private static AgentRunResult Stopped(StopReason reason, string when, AgentRunResult? read = null)
    {
        var (type, message) = reason switch
        {
            StopReason.Timeout => (RunErrors.Timeout, $"the task's timeout passed ({when}): the worker killed the agent's process group"),
            StopReason.MaxCost => (RunErrors.MaxCost, "the run reached the task's max_cost_usd: the worker stopped it"),
            StopReason.Shutdown => (TaskRules.WorkerShutdownError, "the worker was stopped (SIGTERM) and the grace period ended: released for another machine"),
            StopReason.Cancelled => ("cancelled", "the task was cancelled"),
            _ => ("lease_lost", "the lease was lost"),
        };
        return new AgentRunResult(false, type, message, read?.Usage, read?.NativeSessionId, read?.FinalMessage, null);
    }

    private async Task ReportAsync(BatonTask task, Attempt attempt, StopReason reason, Action reported)
    {
        var (run, worktree, sessionId, durationMs) = (attempt.Run, attempt.Worktree, attempt.SessionId, attempt.DurationMs);
        var ct = CancellationToken.None; // a report is never cut short by the worker's own shutdown
        string? prUrl = null;
        var commits = 0;
        if (reason is StopReason.Cancelled or StopReason.LeaseLost)
        {
            // Nothing to report: the task is cancelled, or another attempt holds it. Keep what was done for reading.
            context.Say($"{agent.Config.Name}: {task.Id} {(reason == StopReason.Cancelled ? "cancelled" : "lost its lease")}; its work is dropped");
            reported();
            if (worktree is not null) context.Workspace.Keep(worktree, task.Id, task.Attempt, run.ErrorType, run.ErrorMessage, context.Clock.GetUtcNow());
            await HandoffAsync(task, run, null, sessionId, worktree, kept: worktree is not null);
            context.Say($"{agent.Config.Name}: {task.Id} closed ({(worktree is null ? "no worktree" : "worktree kept at " + worktree.Path)})");
            return;
        }

        // An agent's work is published; a command's run is only reported. On a branch origin already had, the PR may be
        // open from an earlier round: gh names it, and with no new commit it is still the task's PR.
        if (run.Success && worktree is not null && attempt.Command is null)
        {
            try
            {
                commits = await context.Workspace.CommitCountAsync(worktree, ct);
                if (WorkerRules.WantsPullRequest(task) && (commits > 0 || worktree.BranchExisted))
                {
                    if (commits > 0) await context.Workspace.PushAsync(worktree, ct);
                    prUrl = await TaskWorkspace.OpenPullRequestAsync(worktree, task.Title,
                        $"{Bounded(run.FinalMessage, 60_000)}\n\n---\nBaton task `{task.Id}` ({task.Venture}), attempt {task.Attempt}, by {agent.Config.Name}.", ct);
                }
            }
            catch (WorkspaceException ex)
            {
                run = run with { Success = false, ErrorType = "publish_failed", ErrorMessage = ex.Message };
            }
        }

        var usage = run.Usage is { } u ? new UsageInput(u.InputTokens, u.OutputTokens, u.CostUsd) : null;
        var branch = worktree?.Branch;
        try
        {
            if (run.Success)
            {
                var result = ResultOf(attempt, branch, commits, prUrl);
                await Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, result, durationMs, usage, run.NativeSessionId, branch, prUrl), ct);
                context.Say($"{agent.Config.Name}: {task.Id} succeeded ({(attempt.Command is { } ran ? $"command exited {ran.ExitCode}; tests {ran.Tests.Passed} passed, {ran.Tests.Failed} failed" : $"{commits} commit{(commits == 1 ? "" : "s")}")}{(prUrl is null ? "" : ", " + prUrl)})");
            }
            else
            {
                if (run.ErrorType == TaskRules.RateLimitedError)
                {
                    // Paused first, so the task, back in the queue at once, goes to another agent — not straight back here.
                    var until = WorkerRules.PauseUntil(run.RateLimitResetsAt, context.Clock.GetUtcNow());
                    await context.Services.Agents.PauseAgentAsync(agent.Id, new PauseAgentRequest(until, $"rate limited: {Bounded(run.ErrorMessage, 200)}"), ct);
                    context.Say($"{agent.Config.Name}: rate limited; paused until {Timestamp.ToWire(until)}");
                }
                if (reason == StopReason.Shutdown)
                    await context.AgentsPausedForShutdown.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
                await Tasks.FailTaskAsync(task.Id, new FailTaskRequest(task.Epoch, new ErrorInput(run.ErrorType ?? RunErrors.AgentError, Bounded(run.ErrorMessage, 2_000) ?? "no message"),
                    durationMs, usage, run.NativeSessionId, branch, prUrl), ct);
                context.Say($"{agent.Config.Name}: {task.Id} failed ({run.ErrorType}: {Bounded(run.ErrorMessage, 300)})");
            }
        }
        catch (BatonException ex) when (ex.Code == ErrorCodes.LeaseLost)
        {
            // The lease ran out before the report (the sweeper took the task back): the server refused this late result.
            // A failure keeps its own type for the note and the handoff (a timeout is still a timeout); a refused
            // success is work another attempt will redo, so its worktree is kept too.
            context.Say($"{agent.Config.Name}: {task.Id}'s result was refused: {ex.Message}");
            run = run.Success
                ? run with { Success = false, ErrorType = "lease_lost", ErrorMessage = ex.Message }
                : run with { ErrorMessage = $"{run.ErrorMessage} (the report was refused: {ex.Message})" };
        }
        reported();

        var keep = !run.Success && worktree is not null;
        await HandoffAsync(task, run, prUrl, sessionId, worktree, keep);
        var left = "no worktree";
        if (worktree is not null && keep)
        {
            context.Workspace.Keep(worktree, task.Id, task.Attempt, run.ErrorType, run.ErrorMessage, context.Clock.GetUtcNow());
            left = "worktree kept at " + worktree.Path;
        }
        else if (worktree is not null)
        {
            try
            {
                await context.Workspace.RemoveAsync(worktree, ct);
                left = "worktree removed";
            }
            catch (WorkspaceException ex)
            {
                left = $"worktree {worktree.Path} not removed: {ex.Message}";
            }
        }
        // The run's own files: the CLI config written for it, and a repo-less task's scratch directory once it succeeded.
        DeleteQuietly(Path.Combine(context.Workspace.Root, ".config", task.Id));
        if (worktree is null && run.Success) DeleteQuietly(Path.Combine(context.Workspace.Root, task.Id));
        // The last line of a task's run: after it nothing of this attempt changes on this machine.
        context.Say($"{agent.Config.Name}: {task.Id} closed ({left})");
    }

    /// <summary>
    /// A succeeded attempt's result: an agent's <c>{final_message, branch, commits, pr_url}</c> (and the review's
    /// <c>verdict</c> when <c>expects</c> asked for one); a command's <c>{exit_code, output_tail, tests, branch}</c>.
    /// </summary>
    private static JsonObject ResultOf(Attempt attempt, string? branch, int commits, string? prUrl)
    {
        if (attempt.Command is { } command)
        {
            return new JsonObject
            {
                ["exit_code"] = command.ExitCode,
                ["output_tail"] = command.OutputTail,
                ["tests"] = JsonSerializer.SerializeToNode(command.Tests, BatonJson.Options),
                ["branch"] = branch,
            };
        }
        var result = new JsonObject
        {
            ["final_message"] = Bounded(attempt.Run.FinalMessage, MaxFinalMessage),
            ["branch"] = branch,
            ["commits"] = commits,
            ["pr_url"] = prUrl,
        };
        if (attempt.Verdict is { } verdict) result["verdict"] = JsonSerializer.SerializeToNode(verdict, BatonJson.Options);
        return result;
    }

    private void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Say($"{agent.Config.Name}: {directory} was not removed: {ex.Message}");
        }
    }

    private async Task HandoffAsync(BatonTask task, AgentRunResult run, string? prUrl, string? sessionId, Worktree? worktree, bool kept)
    {
        if (sessionId is null) return;
        var payload = new JsonObject
        {
            ["task_id"] = task.Id,
            ["attempt"] = task.Attempt,
            ["branch"] = worktree?.Branch,
            ["pr_url"] = prUrl,
            ["error_type"] = run.ErrorType,
            ["kept_worktree"] = kept ? worktree?.Path : null,
        };
        var request = new EodRequest(sessionId, WorkerRules.HandoffSummary(task, run, prUrl, MaxHandoffSummary),
            run.Success ? HandoffStatus.Done : HandoffStatus.Blocked,
            Blocked: run.Success ? null : [$"{run.ErrorType}: {Bounded(run.ErrorMessage, 500)}"],
            NextSteps: run.Success ? (prUrl is null ? null : [$"review {prUrl}"]) : [kept ? $"read the kept worktree {worktree!.Path}" : $"see `baton tasks show {task.Id}`"],
            Payload: payload);
        try
        {
            await context.Services.Sessions.EodAsync(request, CancellationToken.None);
        }
        catch (BatonException ex) when (ex.Code == ErrorCodes.SessionAlreadyEnded)
        {
            // The agent ended the session itself (its own handoff through `baton mcp`): that one stands.
        }
        catch (BatonException ex)
        {
            context.Say($"{agent.Config.Name}: {task.Id}'s handoff was not written: {ex.Message}");
        }
    }

    private async Task KeepLeaseAsync(BatonTask task, RunControl control, Func<string?> session, CancellationToken ct)
    {
        var every = WorkerRules.RenewEvery(task);
        var ttl = every * 3;
        var lastRenewed = context.Clock.GetUtcNow();
        using var timer = new PeriodicTimer(every, context.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var renewed = await Tasks.RenewTaskAsync(task.Id, new LeaseRequest(task.Epoch), ct);
                    lastRenewed = context.Clock.GetUtcNow();
                    if (renewed.Cancelled)
                    {
                        control.Stop(StopReason.Cancelled);
                        return;
                    }
                    if (session() is { } id) await context.Services.Sessions.HeartbeatAsync(id, ct);
                }
                catch (BatonException ex) when (ex.Code == ErrorCodes.LeaseLost)
                {
                    control.Stop(StopReason.LeaseLost);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The server is unreachable or erred: keep trying until the lease would have run out anyway.
                    context.Say($"{agent.Config.Name}: renewing {task.Id} failed: {ex.Message}");
                    if (context.Clock.GetUtcNow() - lastRenewed >= ttl)
                    {
                        control.Stop(StopReason.LeaseLost);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The report is next: it ends the lease itself.
        }
    }

    private static async Task<(T Value, long Ms)> Timed<T>(Task<T> work)
    {
        var from = Stopwatch.GetTimestamp();
        var value = await work;
        return (value, Ms(from, Stopwatch.GetTimestamp()));
    }

    private static long Ms(long from, long to) => (long)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static string CliName(CliKind cli) => cli.ToString().ToLowerInvariant();

    private static string? Bounded(string? text, int max) =>
        text is null ? null : DisplayText.Clip(text, max);
}

/// <summary>The first reason a run was stopped for, and the token that stops it.</summary>
public sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _reason;

    public CancellationToken Token => _stop.Token;

    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    /// <summary>Stops the run for <paramref name="reason"/>, unless it was already stopped for another.</summary>
    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None) return;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run is already over.
        }
    }

    /// <summary>Stops the run for <paramref name="reason"/> once <paramref name="after"/> has passed.</summary>
    public void StopAfter(TimeSpan after, StopReason reason)
    {
        var timer = new Timer(_ => Stop(reason), null, after, Timeout.InfiniteTimeSpan);
        _stop.Token.Register(() => timer.Dispose());
        _timers.Add(timer);
    }

    private readonly List<Timer> _timers = [];

    public void Dispose()
    {
        foreach (var timer in _timers) timer.Dispose();
        _stop.Dispose();
    }
}

/// <summary>What one attempt came to, for its report: how the run ended, where and how long it ran, its session, and what a command printed or a review answered.</summary>
internal sealed class Attempt
{
    public AgentRunResult Run { get; set; } = new(false, "setup_failed", "the attempt never ran", null, null, null, null);

    public Worktree? Worktree { get; set; }

    /// <summary>The task's session (an agent's run only: a command opens none).</summary>
    public string? SessionId { get; set; }

    public long? DurationMs { get; set; }

    /// <summary>A command task's exit code, output and tests (null for an agent's run, or a command that did not finish).</summary>
    public CommandOutcome? Command { get; set; }

    /// <summary>The review's verdict, when the payload expected one.</summary>
    public Core.Workflows.PlanVerdict? Verdict { get; set; }
}

/// <summary>What a command task's run came to: its exit code, the tail of its output, and what its test reports said.</summary>
internal sealed record CommandOutcome(int ExitCode, string OutputTail, Core.Workflows.TestRun Tests);
