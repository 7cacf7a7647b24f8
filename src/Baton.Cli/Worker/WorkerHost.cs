using Baton.Cli.Fleet;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workers;
using Baton.Local.Git;
using CliKind = Baton.Core.Orchestration.Agents.AgentCli;

namespace Baton.Cli.Worker;

/// <summary>
/// <c>baton worker</c>'s loop (docs/architecture.md §16): register this machine, its clones (contexts) and its agents;
/// then for each agent keep it alive (a heartbeat every 30 s, its command health checks every 30 s) and run as many
/// long polls as its max_concurrency, each taking the next task assigned to it and running it to its report. On
/// SIGTERM no new task is taken; running ones get the grace period (<see cref="TaskRunner"/>).
/// </summary>
public sealed class WorkerHost
{
    private static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(10);

    private readonly WorkerContext _context;
    private readonly IReadOnlyList<RegisteredAgent> _agents;

    private WorkerHost(WorkerContext context, IReadOnlyList<RegisteredAgent> agents)
    {
        _context = context;
        _agents = agents;
    }

    public IReadOnlyList<RegisteredAgent> Agents => _agents;

    /// <summary>Registers the machine, its contexts and the agents of worker.json; answers the host ready to run.</summary>
    public static async Task<WorkerHost> RegisterAsync(WorkerConfig config, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string?>, string?, WorkerContext> contextOf,
        WorkerServices services, string hostName, IReadOnlyList<string> roots, TextWriter log, CancellationToken ct)
    {
        var machine = await services.Machines.RegisterMachineAsync(new RegisterMachineRequest(hostName, MachineFacts.Os(), MachineFacts.Arch()), ct);
        var clones = new Dictionary<string, string>(StringComparer.Ordinal);
        var defaults = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (directory, orgRepo) in CloneFinder.All(roots))
        {
            var repo = orgRepo.ToLowerInvariant();
            if (!clones.TryAdd(repo, directory)) continue; // the first clone under the roots is the one used
            var defaultBranch = await TaskWorkspace.OriginDefaultBranchOrNullAsync(directory, ct);
            defaults[repo] = defaultBranch;
            await services.Agents.ReportContextAsync(new ReportContextRequest(machine.Machine.Id, orgRepo, directory, defaultBranch), ct);
        }

        var context = contextOf(clones, defaults, machine.Machine.Id);
        context.Say($"worker on {hostName} ({machine.Machine.Id}): {clones.Count} clone{(clones.Count == 1 ? "" : "s")} under {string.Join(", ", roots)}");
        RegisterUserLevelConfig(config, context);

        var agents = new List<RegisteredAgent>();
        foreach (var agent in config.Agents)
        {
            var registration = await services.Agents.RegisterAgentAsync(new RegisterAgentRequest(agent.Name, agent.Cli,
                [.. agent.Capabilities.Select(c => (CapabilityInput?)new CapabilityInput(c.Name, c.Weight, c.Preferred, [.. c.Requirements]))],
                machine.Machine.Id,
                [.. agent.HealthChecks.Select(h => (HealthCheckInput?)new HealthCheckInput(h.Requirement, h.Url, h.Command))],
                agent.MaxConcurrency), ct);
            agents.Add(new RegisteredAgent(registration.Agent.Id, agent));
            // Paused by this machine's own last shutdown (below): back to work. A rate limit's pause stays.
            if (registration.Agent.Paused && registration.Agent.PauseReason?.StartsWith(StoppedReason, StringComparison.Ordinal) == true)
                await services.Agents.ResumeAgentAsync(registration.Agent.Id, ct);
            context.Say($"agent {agent.Name} ({registration.Agent.Id}, {agent.Cli.ToString().ToLowerInvariant()}) registered: " +
                        $"{string.Join(", ", agent.Capabilities.Select(c => $"{c.Name} {c.Weight:0.##}"))}; up to {agent.MaxConcurrency} at once");
        }
        return new WorkerHost(context, agents);
    }

    /// <summary>Runs until <paramref name="shutdown"/> fires and every running task has been reported.</summary>
    public async Task RunAsync(CancellationToken shutdown)
    {
        // SIGTERM: pause the agents first, so the tasks released after the grace go to other machines (or wait for
        // this one's return) instead of straight back to an agent that is going away.
        using var onShutdown = shutdown.Register(() => _pausing = PauseForShutdownAsync());
        var loops = new List<Task>();
        foreach (var agent in _agents)
        {
            loops.Add(KeepAliveAsync(agent, shutdown));
            loops.Add(TakeTasksAsync(agent, shutdown));
        }
        await Task.WhenAll(loops);
        if (_pausing is { } pausing) await pausing;
        _context.Say("worker stopped: every running task was reported");
    }

    /// <summary>The pause reason a stopping worker gives its agents; its next start resumes agents paused with it.</summary>
    public const string StoppedReason = "worker stopped on ";

    /// <summary>How long a stopped worker's agents stay paused if it never comes back (they are offline after 90 s anyway).</summary>
    private static readonly TimeSpan StoppedPause = TimeSpan.FromHours(1);

    private Task? _pausing;

    private async Task PauseForShutdownAsync()
    {
        foreach (var agent in _agents)
        {
            try
            {
                await _context.Services.Agents.PauseAgentAsync(agent.Id,
                    new PauseAgentRequest(_context.Clock.GetUtcNow() + StoppedPause, StoppedReason + _context.HostName), CancellationToken.None);
            }
            catch (Exception ex) when (ex is BatonException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                // The server is gone too: nothing will be assigned meanwhile anyway.
                _context.Say($"{agent.Config.Name}: not paused for the shutdown: {ex.Message}");
            }
        }
        _context.AgentsPausedForShutdown.TrySetResult();
    }

    /// <summary>
    /// One long poll per agent at a time, and only while it has a free slot (max_concurrency). The server answers the
    /// oldest task assigned to the agent until it is started, so each answer is started before the next poll; a task
    /// already in a slot that comes back anyway is skipped, never run twice.
    /// </summary>
    private async Task TakeTasksAsync(RegisteredAgent agent, CancellationToken shutdown)
    {
        var runner = new TaskRunner(_context, agent);
        using var slots = new SemaphoreSlim(agent.Config.MaxConcurrency, agent.Config.MaxConcurrency);
        var running = new HashSet<string>(StringComparer.Ordinal);
        var runs = new List<Task>();
        while (!shutdown.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(shutdown);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            BatonTask? task;
            try
            {
                task = (await _context.Services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(30), shutdown)).Task;
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                slots.Release();
                break;
            }
            catch (Exception ex) when (ex is BatonException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                // The server is restarting or unreachable: say so and ask again shortly, never spin.
                _context.Say($"{agent.Config.Name}: asking for the next task failed: {ex.Message}; again in 5 s");
                slots.Release();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), _context.Clock, shutdown);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            var received = System.Diagnostics.Stopwatch.GetTimestamp();
            bool fresh;
            lock (running) fresh = task is not null && running.Add(task.Id);
            // Started here, before the next poll: the server then answers the next assigned task, not this one again.
            var started = fresh ? await runner.StartAsync(task!) : null;
            if (started is null)
            {
                if (fresh) lock (running) running.Remove(task!.Id);
                slots.Release();
                // A task already in a slot came back (it should not, once started): never spin on it.
                if (!fresh && task is not null) await Task.Delay(TimeSpan.FromMilliseconds(20), _context.Clock, CancellationToken.None);
                continue;
            }
            runs.RemoveAll(r => r.IsCompleted);
            runs.Add(RunOneAsync(runner, started, received, running, slots, shutdown));
        }
        await Task.WhenAll(runs); // SIGTERM: every running task is reported (or released) before the worker ends
    }

    private async Task RunOneAsync(TaskRunner runner, BatonTask task, long received, HashSet<string> running, SemaphoreSlim slots, CancellationToken shutdown)
    {
        var freed = 0;
        void Free()
        {
            if (Interlocked.Exchange(ref freed, 1) == 1) return;
            lock (running) running.Remove(task.Id);
            slots.Release();
        }
        try
        {
            await Task.Yield(); // the poll loop goes on while this runs
            await runner.RunStartedAsync(task, received, shutdown, Free);
        }
        catch (Exception ex)
        {
            // A bug of ours must not take the worker down with it: say it; the lease expires and the task is retried.
            _context.Say($"{task.Id}: the worker failed running it: {ex}");
        }
        finally
        {
            Free();
        }
    }

    private async Task KeepAliveAsync(RegisteredAgent agent, CancellationToken shutdown)
    {
        // Long polls are heartbeats, but an agent busy with max_concurrency tasks polls nothing: it must not look offline.
        using var timer = new PeriodicTimer(KeepAliveEvery, _context.Clock);
        do
        {
            try
            {
                await _context.Services.Agents.HeartbeatAgentAsync(agent.Id, shutdown);
                foreach (var check in agent.Config.HealthChecks.Where(h => h.Command is not null))
                {
                    var (healthy, detail) = await RunHealthCheckAsync(check.Command!, shutdown);
                    await _context.Services.Agents.ReportHealthAsync(agent.Id, new ReportHealthRequest(check.Requirement, healthy, detail), shutdown);
                }
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is BatonException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                _context.Say($"{agent.Config.Name}: heartbeat or health report failed: {ex.Message}");
            }
        }
        while (await WaitAsync(timer, shutdown));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<(bool Healthy, string Detail)> RunHealthCheckAsync(string command, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HealthCheckTimeout);
        try
        {
            var run = await ExternalCommand.RunOrNullAsync("/bin/sh", ["-c", command], _context.Home, timeout.Token);
            if (run is null) return (false, "/bin/sh could not be started");
            var said = (run.Stderr.Trim().Length > 0 ? run.Stderr : run.Stdout).Trim();
            var detail = said.Length <= 300 ? said : said[..300];
            return run.Succeeded ? (true, $"`{command}` exited 0") : (false, $"`{command}` exited {run.ExitCode}: {detail}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"`{command}` did not finish within {HealthCheckTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Gemini and Codex read MCP servers and hooks from the user's own config (no per-run flag like Claude's
    /// <c>--settings</c>); the worker registers them once, as <c>baton launch</c> does.
    /// </summary>
    private static void RegisterUserLevelConfig(WorkerConfig config, WorkerContext context)
    {
        foreach (var cli in config.Agents.Select(a => a.Cli).Distinct().Where(c => c is CliKind.Gemini or CliKind.Codex))
        {
            var launchCli = cli == CliKind.Gemini ? AgentCli.Gemini : AgentCli.Codex;
            try
            {
                McpRegistration.Register(launchCli, context.Home, context.Home, context.Mcp.Command, context.Mcp.Args, ChildEnvironment.BatonVariables);
                HookInstaller.Install(launchCli, HookInstaller.FileOf(launchCli, HookScope.User, context.Home, null),
                    HookInstaller.CommandLine(context.Hook.Command, context.Hook.Prefix, launchCli));
            }
            catch (Exception ex) when (ex is UsageException or IOException or UnauthorizedAccessException)
            {
                // The agent still runs; Baton just hears less from it.
                context.Say($"{launchCli.Name}: MCP or hooks not registered: {ex.Message}");
            }
        }
    }
}
