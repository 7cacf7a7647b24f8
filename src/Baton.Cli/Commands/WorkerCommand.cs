using System.CommandLine;
using System.Runtime.InteropServices;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Cli.Output;
using Baton.Cli.Worker;
using Baton.Local.Settings;
using Baton.Mcp;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton worker</c> (docs/architecture.md §16): runs this machine's agents (worker.json) headless on the tasks the
/// server assigns them, in the foreground until Ctrl+C or SIGTERM; and <c>baton worker status</c>.
/// </summary>
public static class WorkerCommand
{
    /// <summary>Default seconds a running task may go on after SIGTERM (the service unit's stop timeout is longer).</summary>
    public const int DefaultGraceSeconds = 60;

    public static Command Build(CliRuntime runtime)
    {
        var config = new Option<string>("--config") { Description = "The agents this machine runs. Default <data-dir>/worker.json." };
        var grace = new Option<int?>("--grace") { Description = $"Seconds running tasks may go on after SIGTERM before they are stopped and released for another machine (default {DefaultGraceSeconds})." };
        var killAfter = new Option<int?>("--kill-after") { Description = "Seconds between TERM and KILL when a run is stopped (timeout, cancellation, budget, shutdown); default 10." };
        var command = new Command("worker",
            "Run this machine's agents on the tasks the server assigns them: each task in its own worktree on baton/<task>, the agent CLI headless, " +
            "its result, usage and handoff reported. Needs a server (BATON_URL, BATON_KEY). Agents: <data-dir>/worker.json; clones: under BATON_REPO_ROOTS (default ~/dev). " +
            "Ctrl+C or SIGTERM: take no new task, give running ones the grace period, then release them.");
        command.Options.Add(config);
        command.Options.Add(grace);
        command.Options.Add(killAfter);
        command.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, (settings, token) =>
            RunAsync(runtime, settings, parse.GetValue(config), parse.GetValue(grace) ?? DefaultGraceSeconds,
                parse.GetValue(killAfter) ?? (int)Baton.Core.Workers.WorkerRules.KillAfter.TotalSeconds, token), ct));

        var status = new Command("status", "This machine's agents (worker.json) as the server sees them, and the worktrees kept from failed attempts.");
        var json = CommonOptions.Json();
        status.Options.Add(config);
        status.Options.Add(json);
        status.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, (context, token) =>
            StatusAsync(context, parse.GetValue(config), parse.GetValue(json), token), ct));
        command.Subcommands.Add(status);
        return command;
    }

    private static async Task<int> RunAsync(CliRuntime runtime, BatonSettings settings, string? configPath, int graceSeconds, int killAfterSeconds, CancellationToken ct)
    {
        if (!settings.IsServerMode)
            throw new UsageException("baton worker takes tasks from a server: start one (`baton serve`) and set BATON_URL and BATON_KEY. " +
                                     "The dispatcher that assigns tasks runs in the server.");
        if (graceSeconds is < 0 or > 86_400) throw new UsageException($"--grace {graceSeconds}: give 0 to 86400 seconds (default {DefaultGraceSeconds}).");
        if (killAfterSeconds is < 0 or > 3_600) throw new UsageException($"--kill-after {killAfterSeconds}: give 0 to 3600 seconds (default 10).");
        var path = configPath ?? Path.Combine(settings.DataDir, WorkerConfigFile.DefaultFileName);
        Baton.Core.Workers.WorkerConfig workerConfig;
        try
        {
            workerConfig = WorkerConfigFile.Load(path);
        }
        catch (WorkerConfigException ex)
        {
            throw new UsageException(ex.Message);
        }
        var home = runtime.Environment.GetValueOrDefault("HOME") ?? throw new UsageException("HOME is not set: the worker needs it for the agent CLIs' config.");
        MissingClis(workerConfig, path, runtime.Environment.GetValueOrDefault("PATH"));
        var roots = BatonMcpOptions.RepoRootsFrom(runtime.Environment.GetValueOrDefault(BatonMcpOptions.RepoRootsVariable), home);

        // SIGINT and SIGTERM: stop taking tasks and drain; the process ends when every running task is reported.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var connection = await BatonConnection.OpenAsync(settings, CancellationToken.None, longRunning: true);
        var services = new WorkerServices(connection.Agents, connection.Tasks, connection.Sessions, connection.Ventures, connection.Machines);
        var workspace = new TaskWorkspace(settings.DataDir);
        WorkerHost host;
        try
        {
            host = await WorkerHost.RegisterAsync(workerConfig, (clones, defaults, machineId) => new WorkerContext
            {
                Services = services,
                DataDir = settings.DataDir,
                Home = home,
                HostName = runtime.HostName,
                MachineId = machineId,
                ServerUrl = settings.Url!,
                Key = settings.Key,
                Environment = runtime.Environment,
                Launch = LaunchConfig.Load(settings.DataDir),
                Clones = clones,
                DefaultBranches = defaults,
                Mcp = McpRegistration.BatonCommand(runtime.Environment.GetValueOrDefault("PATH")),
                Hook = HookCommand.SelfCommand(),
                Workspace = workspace,
                Clock = TimeProvider.System,
                Log = runtime.Error,
                ShutdownGrace = TimeSpan.FromSeconds(graceSeconds),
                KillAfter = TimeSpan.FromSeconds(killAfterSeconds),
            }, services, runtime.HostName, roots, runtime.Error, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        runtime.Error.WriteLine($"baton worker: {host.Agents.Count} agent{(host.Agents.Count == 1 ? "" : "s")} from {path} taking tasks from {connection.Label}. Ctrl+C to stop.");
        await host.RunAsync(stop.Token);
        return ExitCodes.Ok;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>
    /// Every agent's CLI must be there before the worker registers it: an agent whose executable is missing would take
    /// task after task and fail each one. Names each missing one with how to install it.
    /// </summary>
    private static void MissingClis(Baton.Core.Workers.WorkerConfig config, string file, string? path)
    {
        var missing = new List<string>();
        foreach (var agent in config.Agents)
        {
            var executable = string.IsNullOrWhiteSpace(agent.Command) ? Baton.Core.Workers.HeadlessCommand.DefaultExecutable(agent.Cli) : agent.Command;
            var found = Path.IsPathRooted(executable) ? File.Exists(executable) : AgentCli.FindOnPathOrNull(executable, path) is not null;
            if (found) continue;
            var install = AgentCli.All.FirstOrDefault(c => c.Binary == executable)?.InstallHint;
            missing.Add($"{agent.Name}: `{executable}` is not {(Path.IsPathRooted(executable) ? "there" : "on PATH")}: " +
                        (install is null ? "fix \"command\" in " + file : $"install it with `{install}`, or set \"command\" in {file}") + ".");
        }
        if (missing.Count > 0) throw new UsageException($"{file}: {missing.Count} agent CLI{(missing.Count == 1 ? " is" : "s are")} missing:\n  " + string.Join("\n  ", missing));
    }

    private static async Task<int> StatusAsync(VerbContext context, string? configPath, bool asJson, CancellationToken ct)
    {
        var path = configPath ?? Path.Combine(context.Settings.DataDir, WorkerConfigFile.DefaultFileName);
        var kept = new TaskWorkspace(context.Settings.DataDir).ListKept();
        var agents = new List<WorkerAgentStatus>();
        if (File.Exists(path))
        {
            Baton.Core.Workers.WorkerConfig config;
            try
            {
                config = WorkerConfigFile.Load(path);
            }
            catch (WorkerConfigException ex)
            {
                throw new UsageException(ex.Message);
            }
            foreach (var agent in config.Agents)
            {
                Baton.Core.Orchestration.AgentInfo? info = null;
                try
                {
                    info = await context.Services.Agents.GetAgentAsync(agent.Name, ct);
                }
                catch (Baton.Core.Common.BatonException ex) when (ex.Code == Baton.Core.Common.ErrorCodes.NotFound)
                {
                    // Not registered yet: the worker has not run here.
                }
                agents.Add(new WorkerAgentStatus(agent.Name, agent.Cli.ToString().ToLowerInvariant(), info?.Id,
                    info is null ? "not registered" : info.Paused ? "paused" : info.Status.ToString().ToLowerInvariant(), info?.Running ?? 0, info?.PausedUntil, info?.PauseReason));
            }
        }
        if (asJson)
        {
            Verb.WriteJson(context.Out, new WorkerStatus(path, File.Exists(path), agents, kept));
            return ExitCodes.Ok;
        }
        if (!File.Exists(path)) context.Out.WriteLine($"No {path}: this machine runs no agents yet (write it, then `baton worker`).");
        else
        {
            var table = new TextTable("AGENT", "CLI", "STATUS", "RUNNING", "ID");
            foreach (var a in agents) table.Add(a.Name, a.Cli, a.Status + (a.PausedUntil is { } until ? $" until {Text.Wire(until)}" : ""), a.Running.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Id ?? "-");
            table.WriteTo(context.Out);
        }
        if (kept.Count == 0) context.Out.WriteLine("No kept worktrees.");
        else
        {
            context.Out.WriteLine($"{kept.Count} worktree{(kept.Count == 1 ? "" : "s")} kept from failed attempts (remove with `git worktree remove <path>`):");
            foreach (var k in kept)
                context.Out.WriteLine($"  {k.TaskId} attempt {k.Attempt}  {k.Path}  {k.Branch}  {k.ErrorType}: {k.ErrorMessage}  ({Text.Wire(k.KeptAt)})");
        }
        return ExitCodes.Ok;
    }
}

/// <summary>One agent of worker.json in <c>baton worker status</c>.</summary>
public sealed record WorkerAgentStatus(string Name, string Cli, string? Id, string Status, int Running, DateTimeOffset? PausedUntil, string? PauseReason);

/// <summary><c>baton worker status --json</c>.</summary>
public sealed record WorkerStatus(string Config, bool ConfigExists, IReadOnlyList<WorkerAgentStatus> Agents, IReadOnlyList<KeptWorktree> Kept);
