using Baton.Cli.Launch;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Core.Workers;

namespace Baton.Cli.Worker;

/// <summary>The server's services the worker calls (server mode only: the dispatcher runs in <c>baton serve</c>).</summary>
public sealed record WorkerServices(IAgentService Agents, ITaskService Tasks, ISessionService Sessions, IVentureService Ventures, Baton.Core.Fleet.IMachineService Machines);

/// <summary>One agent of worker.json as the server registered it.</summary>
public sealed record RegisteredAgent(string Id, WorkerAgentConfig Config);

/// <summary>
/// What every task run of this worker shares: the services, this machine, where things go, the environment agents
/// inherit, and how long things may take. Built once by <see cref="WorkerHost"/>.
/// </summary>
public sealed class WorkerContext
{
    public required WorkerServices Services { get; init; }
    public required string DataDir { get; init; }
    public required string Home { get; init; }
    public required string HostName { get; init; }
    public required string? MachineId { get; init; }
    public required string ServerUrl { get; init; }
    public required string? Key { get; init; }

    /// <summary>The worker's own environment: what agents inherit, minus the deny list (<see cref="ChildEnvironment"/>).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Per-venture secrets provider and deny list, as <c>baton launch</c> reads them (<c>launch.json</c>).</summary>
    public required LaunchConfig Launch { get; init; }

    /// <summary>Repo (<c>org/name</c>, lower case) → the clone under the repo roots.</summary>
    public required IReadOnlyDictionary<string, string> Clones { get; init; }

    /// <summary>Repo → the default branch the context reported (used when origin/HEAD is not set).</summary>
    public required IReadOnlyDictionary<string, string?> DefaultBranches { get; init; }

    /// <summary>The command agents' MCP config and hooks start this baton with.</summary>
    public required (string Command, IReadOnlyList<string> Args) Mcp { get; init; }

    public required (string Command, IReadOnlyList<string> Prefix) Hook { get; init; }

    public required TaskWorkspace Workspace { get; init; }

    public required TimeProvider Clock { get; init; }

    public required TextWriter Log { get; init; }

    /// <summary>How long a running task may go on after SIGTERM before it is stopped and released (<c>--grace</c>).</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>After TERM, a group still alive this long is killed (<see cref="WorkerRules.KillAfter"/>).</summary>
    public TimeSpan KillAfter { get; init; } = WorkerRules.KillAfter;

    /// <summary>
    /// Completed once a stopping worker has paused its agents: a run released for the shutdown waits for it, so the
    /// release cannot reach the queue while the agent still takes tasks.
    /// </summary>
    public TaskCompletionSource AgentsPausedForShutdown { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly object _logGate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Venture>>> _ventures = new(StringComparer.Ordinal);

    /// <summary>A venture as the server has it, asked once per worker run (its secrets path and repos change rarely; a restart reads them again).</summary>
    public Task<Venture> VentureAsync(string code, CancellationToken ct)
    {
        var lazy = _ventures.GetOrAdd(code, c => new Lazy<Task<Venture>>(() => Services.Ventures.GetVentureAsync(c, CancellationToken.None)));
        if (lazy.Value.IsFaulted) _ventures.TryRemove(new KeyValuePair<string, Lazy<Task<Venture>>>(code, lazy)); // asked again next time
        return lazy.Value.WaitAsync(ct);
    }

    /// <summary>One line on the worker's log (stderr; the journal under systemd), stamped.</summary>
    public void Say(string line)
    {
        lock (_logGate) Log.WriteLine($"{Core.Common.Timestamp.ToWire(Clock.GetUtcNow())} {line}");
    }
}
