using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workers;

namespace Baton.Cli.Tests.Worker;

/// <summary>
/// Ties the fake agent CLIs to the readers: each fake runs as a real process with the command line
/// <see cref="HeadlessCommand"/> builds, its stdout is fed to the CLI's reader line by line and its exit code and
/// stderr to <see cref="IAgentOutputReader.Finish"/>, so a fake that drifted from what the reader understands (the
/// real format) fails here, not in the worker's scenarios.
/// </summary>
public sealed class FakeAgentCliTests : IDisposable
{
    private readonly TempDirectory _temp = new("baton-fake-agents-");
    private readonly FakeAgentClis _fakes;

    public FakeAgentCliTests() => _fakes = new FakeAgentClis(Path.Combine(_temp.Path, "bin"));

    public void Dispose() => _temp.Dispose();

    public static TheoryData<AgentCli> Clis => [AgentCli.Claude, AgentCli.Gemini, AgentCli.Codex];

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_NoDirective_SucceedsWithUsageSessionAndMessage(AgentCli cli)
    {
        var sessionId = Guid.NewGuid().ToString();
        await using var run = Start(cli, "Fix the bug.", sessionId, price: FakeAgentClis.Price);
        var result = await run.FinishAsync();

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Null(result.ErrorType);
        Assert.Equal(FakeAgentClis.InputTokens, result.Usage!.InputTokens);
        Assert.Equal(FakeAgentClis.OutputTokens, result.Usage.OutputTokens);
        var cost = cli == AgentCli.Claude ? FakeAgentClis.ClaudeCostUsd : (FakeAgentClis.InputTokens + FakeAgentClis.OutputTokens) / 1_000_000d;
        Assert.Equal(cost, result.Usage.CostUsd!.Value, 9);
        var logged = Assert.Single(_fakes.Runs);
        Assert.Equal(cli == AgentCli.Codex ? FakeAgentClis.CodexThreadId(logged.Pid) : sessionId, result.NativeSessionId);
        Assert.Equal($"Done: fake {cli.ToString().ToLowerInvariant()} finished the task.", result.FinalMessage);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Fail_IsTheAgentsError(AgentCli cli)
    {
        await using var run = Start(cli, "Fix the bug. " + FakeAgentClis.Fail);
        var result = await run.FinishAsync();

        Assert.False(result.Success);
        Assert.Equal(RunErrors.AgentError, result.ErrorType);
        Assert.Contains(cli == AgentCli.Gemini ? "INTERNAL" : "fake failure", result.ErrorMessage, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_RateLimit_IsRateLimitedWithTheResetAboutAnHourAhead(AgentCli cli)
    {
        var before = DateTimeOffset.UtcNow;
        await using var run = Start(cli, FakeAgentClis.RateLimit + " Fix the bug.");
        var result = await run.FinishAsync();

        Assert.False(result.Success);
        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        var resets = Assert.NotNull(result.RateLimitResetsAt);
        // Claude's window resets on the hour (1–2 h ahead), Gemini states 1h0m0s, Codex the minute an hour ahead.
        Assert.InRange(resets, before.AddMinutes(58), before.AddHours(2).AddMinutes(1));
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Crash_IsCrashedNamingTheExitCodeAndStderr(AgentCli cli)
    {
        await using var run = Start(cli, "Fix the bug. " + FakeAgentClis.Crash);
        var result = await run.FinishAsync();

        Assert.False(result.Success);
        Assert.Equal(RunErrors.Crashed, result.ErrorType);
        Assert.Contains("code 1", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("fake " + cli.ToString().ToLowerInvariant() + ":", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Garbage_IsBadOutputWithTheLinesCounted(AgentCli cli)
    {
        await using var run = Start(cli, FakeAgentClis.Garbage);
        var result = await run.FinishAsync();

        Assert.Equal(0, run.ExitCode);
        Assert.False(result.Success);
        Assert.Equal(RunErrors.BadOutput, result.ErrorType);
        Assert.Contains("unparseable line", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("not json at all", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Commit_CommitsAFileOnTheWorktreesBranch(AgentCli cli)
    {
        var worktree = NewWorktree("baton/task_1");
        await using var run = Start(cli, "Add a file. " + FakeAgentClis.Commit, cwd: worktree);
        var result = await run.FinishAsync();

        Assert.True(result.Success, result.ErrorMessage);
        var name = cli.ToString().ToLowerInvariant();
        Assert.Equal($"fake {name}: add baton-fake-{name}.txt", RealGit.Run(worktree, "log", "-1", "--format=%s").Trim());
        Assert.Equal("baton/task_1", RealGit.Run(worktree, "branch", "--show-current").Trim());
        Assert.Equal(worktree, Assert.Single(_fakes.Runs).Cwd);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Cost_ReportsUsageWorthThatMuchAtThePrice(AgentCli cli)
    {
        await using var run = Start(cli, "Fix the bug. " + FakeAgentClis.Cost(0.75), price: FakeAgentClis.Price);
        var result = await run.FinishAsync();

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(0.75, result.Usage!.CostUsd!.Value, 6);
        Assert.Equal(0.75, run.Reader.UsageSoFar!.CostUsd!.Value, 6);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Sleep_WaitsThatLongBeforeItsFinalRecord(AgentCli cli)
    {
        var clock = Stopwatch.StartNew();
        await using var run = Start(cli, "Fix the bug. " + FakeAgentClis.Sleep(1));
        var result = await run.FinishAsync();

        Assert.True(result.Success, result.ErrorMessage);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"finished after {clock.Elapsed}");
    }

    [Fact]
    public async Task FakeClaude_CostOverMaxBudget_EndsWithErrorMaxBudgetUsd()
    {
        await using var run = Start(AgentCli.Claude, "Fix the bug. " + FakeAgentClis.Cost(0.75), maxCost: 0.5);
        var result = await run.FinishAsync();

        Assert.Equal(RunErrors.MaxCost, result.ErrorType);
        Assert.Equal(0.75, result.Usage!.CostUsd!.Value, 6);
        Assert.Contains("--max-budget-usd", Assert.Single(_fakes.Runs).Argv);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Log_RecordsArgvCwdPidAndTheNamedEnvironment(AgentCli cli)
    {
        var sessionId = Guid.NewGuid().ToString();
        var prompt = "- a prompt that starts with a dash,\nspans lines and has \"quotes\" and a \\ backslash";
        await using var run = Start(cli, prompt, sessionId, env: new() { ["BATON_TEST_SECRET"] = "s3cr\"et" }, envNames: ["BATON_TEST_SECRET", "BATON_TEST_UNSET"]);
        var result = await run.FinishAsync();

        Assert.True(result.Success, result.ErrorMessage);
        var logged = Assert.Single(_fakes.Runs);
        Assert.Equal(cli.ToString().ToLowerInvariant(), logged.Cli);
        Assert.Equal(run.Process.Id, logged.Pid);
        Assert.Equal(_temp.Path, logged.Cwd);
        Assert.Equal(run.Args, logged.Argv);
        Assert.Equal("s3cr\"et", logged.Env["BATON_TEST_SECRET"]);
        Assert.Null(logged.Env["BATON_TEST_UNSET"]);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_Hang_LogsItsChildInItsProcessGroupAndWaitsUntilKilled(AgentCli cli)
    {
        await using var run = Start(cli, FakeAgentClis.Hang);
        await run.Hanging.Task.WaitAsync(TestTimeouts.Token());

        var logged = Assert.Single(_fakes.Runs);
        var child = Assert.NotNull(logged.ChildPid);
        Assert.False(run.Process.HasExited);
        Assert.Equal(ProcessGroup(run.Process.Id), ProcessGroup(child));
        Assert.False(IgnoresTerm(run.Process.Id));

        run.Process.Kill(entireProcessTree: true);
        var result = await run.FinishAsync();
        Assert.False(result.Success);
        Assert.Equal(RunErrors.Crashed, result.ErrorType);
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task FakeCli_IgnoreTerm_IgnoresTermInItselfAndItsChild(AgentCli cli)
    {
        await using var run = Start(cli, FakeAgentClis.IgnoreTerm);
        await run.Hanging.Task.WaitAsync(TestTimeouts.Token());

        var child = Assert.NotNull(Assert.Single(_fakes.Runs).ChildPid);
        // The kernel's own record of the dispositions: no waiting to see whether TERM would have ended it.
        Assert.True(IgnoresTerm(run.Process.Id));
        Assert.True(IgnoresTerm(child));

        run.Process.Kill(entireProcessTree: true);
        await run.FinishAsync();
    }

    private FakeRun Start(AgentCli cli, string prompt, string? sessionId = null, string? cwd = null, double? maxCost = null,
        TokenPrice? price = null, Dictionary<string, string>? env = null, string[]? envNames = null)
    {
        var path = cli switch { AgentCli.Claude => _fakes.Claude, AgentCli.Gemini => _fakes.Gemini, _ => _fakes.Codex };
        // The fake's full path as the agent's command: a bare name would be looked up on this test's PATH, not the child's.
        var agent = new WorkerAgentConfig("fake-" + cli, cli, [], [], 1, path, [], price);
        var (executable, args) = HeadlessCommand.Arguments(agent, prompt, sessionId ?? Guid.NewGuid().ToString(), maxCost, null);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = cwd ?? _temp.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _fakes.ApplyTo(start, envNames ?? []);
        foreach (var (name, value) in env ?? []) start.Environment[name] = value;
        return new FakeRun(System.Diagnostics.Process.Start(start)!, AgentOutputReaders.For(agent), args);
    }

    private string NewWorktree(string branch)
    {
        var repo = Path.Combine(_temp.Path, "repo");
        Directory.CreateDirectory(repo);
        RealGit.Run(repo, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repo, "README.md"), "hello\n");
        RealGit.Run(repo, "add", "README.md");
        RealGit.Run(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "initial");
        var worktree = Path.Combine(_temp.Path, "wt");
        RealGit.Run(repo, "worktree", "add", "-q", "-b", branch, worktree);
        return worktree;
    }

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so read after its closing parenthesis.
    private static int ProcessGroup(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[2], CultureInfo.InvariantCulture);
    }

    // SigIgn is the mask of ignored signals in hex; TERM is signal 15, bit 14.
    private static bool IgnoresTerm(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (mask & (1UL << 14)) != 0;
    }

    /// <summary>One fake run: stdout fed to the reader as it comes, stderr kept, the hanging marker awaited.</summary>
    private sealed class FakeRun : IAsyncDisposable
    {
        private readonly StringBuilder _stderr = new();
        private readonly Task _stdout;
        private readonly Task _stderrPump;

        public FakeRun(System.Diagnostics.Process process, IAgentOutputReader reader, IReadOnlyList<string> args)
        {
            Process = process;
            Reader = reader;
            Args = args;
            _stdout = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line) reader.ReadLine(line);
            });
            _stderrPump = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    lock (_stderr) _stderr.Append(line).Append('\n');
                    if (line.Contains(FakeAgentClis.HangingMarker, StringComparison.Ordinal)) Hanging.TrySetResult();
                }
            });
        }

        public System.Diagnostics.Process Process { get; }

        public IAgentOutputReader Reader { get; }

        public IReadOnlyList<string> Args { get; }

        public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int ExitCode => Process.ExitCode;

        public async Task<AgentRunResult> FinishAsync()
        {
            var token = TestTimeouts.Token();
            await Process.WaitForExitAsync(token);
            await Task.WhenAll(_stdout, _stderrPump).WaitAsync(token);
            string stderr;
            lock (_stderr) stderr = _stderr.ToString();
            return Reader.Finish(Process.ExitCode, stderr, DateTimeOffset.UtcNow);
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync(TestTimeouts.Token());
            Process.Dispose();
        }
    }
}
