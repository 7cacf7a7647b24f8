using System.CommandLine;
using Baton.Cli.Hooks;
using Baton.Local.Git;
using Baton.Local.Services;
using Baton.Local.Settings;

namespace Baton.Cli.Commands;

/// <summary>
/// What the service verbs take from the machine, passed in so tests choose the platform and the binary: null members
/// are read from the process (the OS, the running baton, <c>id -u</c>).
/// </summary>
/// <param name="Grace">How long the worker lets running tasks finish after SIGTERM; the unit's stop timeout is longer.</param>
/// <param name="Runner">Runs systemctl/launchctl; default: looked up on the CLI's PATH.</param>
public sealed record ServiceHost(ServicePlatform? Platform = null, IReadOnlyList<string>? Command = null, int? Uid = null, TimeSpan? Grace = null,
    ServiceCommandRunner? Runner = null);

/// <summary>
/// <c>baton service install|status|uninstall [--worker|--server]</c> (docs/architecture.md §11 "Service units"): the
/// worker or server under the machine's own supervisor — a systemd user unit or a launchd agent — which restarts it
/// on failure and keeps its logs.
/// </summary>
public static class ServiceCommands
{
    /// <summary>The worker's shutdown grace when none is passed (what `baton worker` gives running tasks after SIGTERM).</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(WorkerCommand.DefaultGraceSeconds);

    public static Command Build(CliRuntime runtime, ServiceHost? host = null)
    {
        host ??= new ServiceHost();
        var service = new Command("service", "Run `baton worker` (or `baton serve`) as a service of this machine: a systemd user unit on Linux, a launchd agent on macOS.");

        var force = new Option<bool>("--force") { Description = "Replace an installed unit that differs from what install would write (the differences are shown without it)." };
        var installJson = CommonOptions.Json();
        var (installWorker, installServer) = KindOptions();
        var install = new Command("install",
            "Write the unit (ExecStart: this baton binary; Restart=on-failure; logs to the journal, or ~/Library/Logs/baton on macOS) with BATON_URL, " +
            "BATON_DATA_DIR, BATON_REPO_ROOTS and this shell's PATH; secrets (BATON_KEY, BATON_STORE_URL, INFISICAL_TOKEN) go to a file of mode 0600. Then enable and start it.");
        foreach (Option option in new Option[] { installWorker, installServer, force, installJson }) install.Options.Add(option);
        install.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            var kind = Kind(parse, installWorker, installServer);
            var installer = await InstallerAsync(runtime, host, token);
            var outcome = await installer.InstallAsync(Spec(runtime, host, settings, kind), parse.GetValue(force), token);
            if (parse.GetValue(installJson)) Verb.WriteJson(runtime.Out, outcome);
            else WriteInstall(runtime, installer.Platform, outcome);
            return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));

        var statusJson = CommonOptions.Json();
        var (statusWorker, statusServer) = KindOptions();
        var status = new Command("status", "Whether each service's file is installed and still what install would write now, and what systemctl/launchctl says of it. No flag: both.");
        foreach (Option option in new Option[] { statusWorker, statusServer, statusJson }) status.Options.Add(option);
        status.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            var installer = await InstallerAsync(runtime, host, token);
            var kinds = parse.GetValue(statusWorker) || parse.GetValue(statusServer) ? [Kind(parse, statusWorker, statusServer)] : new[] { ServiceKind.Worker, ServiceKind.Server };
            var found = new List<ServiceStatus>();
            foreach (var kind in kinds) found.Add(await installer.StatusAsync(Spec(runtime, host, settings, kind), token));
            if (parse.GetValue(statusJson)) Verb.WriteJson(runtime.Out, found);
            else foreach (var s in found) WriteStatus(runtime, s);
            return ExitCodes.Ok;
        }, ct));

        var uninstallJson = CommonOptions.Json();
        var (uninstallWorker, uninstallServer) = KindOptions();
        var uninstall = new Command("uninstall", "Stop and disable the service (systemctl --user disable --now, or launchctl bootout) and delete its files.");
        foreach (Option option in new Option[] { uninstallWorker, uninstallServer, uninstallJson }) uninstall.Options.Add(option);
        uninstall.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (_, token) =>
        {
            var installer = await InstallerAsync(runtime, host, token);
            var outcome = await installer.UninstallAsync(Kind(parse, uninstallWorker, uninstallServer), token);
            if (parse.GetValue(uninstallJson)) Verb.WriteJson(runtime.Out, outcome);
            else
            {
                runtime.Out.WriteLine(outcome.Removed ? $"{outcome.Paths.UnitFile}: stopped and removed." : $"{outcome.Paths.UnitFile}: not installed; nothing to remove.");
                WriteCalls(runtime, outcome.Calls);
            }
            return outcome.Calls.All(c => c.Succeeded) ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));

        service.Subcommands.Add(install);
        service.Subcommands.Add(status);
        service.Subcommands.Add(uninstall);
        return service;
    }

    private static (Option<bool> Worker, Option<bool> Server) KindOptions() =>
        (new Option<bool>("--worker") { Description = "`baton worker` (the default)." }, new Option<bool>("--server") { Description = "`baton serve`." });

    private static ServiceKind Kind(ParseResult parse, Option<bool> worker, Option<bool> server)
    {
        if (parse.GetValue(worker) && parse.GetValue(server)) throw new UsageException("Choose one of --worker and --server.");
        return parse.GetValue(server) ? ServiceKind.Server : ServiceKind.Worker;
    }

    private static async Task<ServiceInstaller> InstallerAsync(CliRuntime runtime, ServiceHost host, CancellationToken ct)
    {
        var platform = host.Platform ?? (OperatingSystem.IsLinux() ? ServicePlatform.Systemd
            : OperatingSystem.IsMacOS() ? ServicePlatform.Launchd
            : throw new UsageException("`baton service` knows systemd (Linux) and launchd (macOS); on this system run `baton worker` under its own supervisor."));
        var home = runtime.Environment.GetValueOrDefault("HOME") is { Length: > 0 } h ? h : throw new UsageException("HOME is not set: Baton needs it to find the user's service directory.");
        var runner = host.Runner ?? ServiceInstaller.OnPath(runtime.Environment.GetValueOrDefault("PATH"), home);
        var uid = host.Uid ?? (platform == ServicePlatform.Launchd ? await UidAsync(runner, ct) : 0);
        return new ServiceInstaller(platform, home, runtime.Environment.GetValueOrDefault("XDG_CONFIG_HOME"), uid, runner);
    }

    /// <summary>launchd's domain is <c>gui/&lt;uid&gt;</c>; .NET has no getuid, and <c>id</c> is on every Mac.</summary>
    private static async Task<int> UidAsync(ServiceCommandRunner runner, CancellationToken ct) =>
        await runner("id", ["-u"], ct) is { Succeeded: true } output && int.TryParse(output.Stdout.Trim(), out var uid)
            ? uid
            : throw new UsageException("`id -u` did not give this user's id, which launchctl needs (gui/<uid>).");

    /// <summary>
    /// The unit's command and environment from this process: the running baton (or dotnet and baton.dll), BATON_DATA_DIR
    /// as resolved (a --data-dir flag included), the Baton variables this shell sets, and its PATH so the service finds
    /// the agent CLIs and git as the shell does. The server is not given BATON_URL or BATON_KEY: it is the server.
    /// </summary>
    internal static ServiceSpec Spec(CliRuntime runtime, ServiceHost host, BatonSettings settings, ServiceKind kind)
    {
        var command = host.Command ?? SelfCommand();
        var environment = new List<KeyValuePair<string, string>>();
        var secrets = new List<KeyValuePair<string, string>>();
        void Pass(string name, List<KeyValuePair<string, string>> into)
        {
            if (kind == ServiceKind.Server && name is "BATON_URL" or "BATON_KEY") return;
            if (runtime.Environment.GetValueOrDefault(name) is { Length: > 0 } value) into.Add(new(name, value));
        }
        environment.Add(new(BatonSettingsLoader.DataDirVariable, Path.GetFullPath(settings.DataDir)));
        foreach (var name in ServiceUnits.PassedVariables) Pass(name, environment);
        Pass("PATH", environment);
        foreach (var name in ServiceUnits.SecretVariables) Pass(name, secrets);
        var spec = new ServiceSpec(kind, command, environment, secrets, host.Grace ?? DefaultGrace);
        return ServiceUnits.ProblemOf(spec) is { } problem ? throw new UsageException(problem) : spec;
    }

    private static IReadOnlyList<string> SelfCommand()
    {
        var (program, prefix) = HookCommand.SelfCommand();
        return [Path.GetFullPath(program), .. prefix.Select(Path.GetFullPath)];
    }

    private static void WriteInstall(CliRuntime runtime, ServicePlatform platform, ServiceInstallOutcome outcome)
    {
        var flag = ServiceUnits.Flag(outcome.Kind);
        if (outcome.Result == ServiceInstallResult.Refused)
        {
            runtime.Error.WriteLine($"baton: {outcome.Paths.UnitFile} is installed and differs from what install would write now:");
            foreach (var line in outcome.Differences) runtime.Error.WriteLine("  " + line);
            runtime.Error.WriteLine($"Nothing changed. `baton service install --{flag} --force` replaces it.");
            return;
        }
        runtime.Out.WriteLine(outcome.Result switch
        {
            ServiceInstallResult.Installed => $"{outcome.Paths.UnitFile}: installed.",
            ServiceInstallResult.Replaced => $"{outcome.Paths.UnitFile}: replaced (--force); it differed:",
            _ => $"{outcome.Paths.UnitFile}: already installed and current.",
        });
        if (outcome.Result == ServiceInstallResult.Replaced) foreach (var line in outcome.Differences) runtime.Out.WriteLine("  " + line);
        if (outcome.Paths.EnvironmentFile is { } envFile && File.Exists(envFile)) runtime.Out.WriteLine($"Secrets: {envFile} (mode 0600).");
        WriteCalls(runtime, outcome.Calls);
        if (!outcome.Succeeded) runtime.Error.WriteLine("baton: the files are written, but the supervisor did not take them (above); fix that and run install again.");
        else if (platform == ServicePlatform.Systemd)
            runtime.Out.WriteLine($"Logs: journalctl --user -u {ServiceUnits.SystemdUnitName(outcome.Kind)} -f. It runs while you are logged in; " +
                                  "`loginctl enable-linger` starts it at boot without a login.");
        else runtime.Out.WriteLine($"Logs: {outcome.Paths.LogFile}.");
    }

    private static void WriteStatus(CliRuntime runtime, ServiceStatus status)
    {
        var flag = ServiceUnits.Flag(status.Kind);
        if (!status.Installed)
        {
            runtime.Out.WriteLine($"{flag}: not installed ({status.Paths.UnitFile} does not exist); `baton service install --{flag}` installs it.");
            return;
        }
        if (status.Current) runtime.Out.WriteLine($"{flag}: {status.Paths.UnitFile} is installed and current.");
        else
        {
            runtime.Out.WriteLine($"{flag}: {status.Paths.UnitFile} is installed but differs from what install would write now:");
            foreach (var line in status.Differences) runtime.Out.WriteLine("  " + line);
            runtime.Out.WriteLine($"  `baton service install --{flag} --force` rewrites it.");
        }
        if (status.Supervisor is { } call)
        {
            runtime.Out.WriteLine($"$ {call.CommandLine}");
            if (call.Output.Length > 0) runtime.Out.WriteLine(call.Output);
        }
    }

    private static void WriteCalls(CliRuntime runtime, IReadOnlyList<ServiceCall> calls)
    {
        foreach (var call in calls)
        {
            var writer = call.Succeeded ? runtime.Out : runtime.Error;
            writer.WriteLine(call.Succeeded ? $"  {call.CommandLine}: ok" : $"  {call.CommandLine}: failed{(call.ExitCode is { } code ? $" (exit {code})" : "")}");
            if (!call.Succeeded && call.Output.Length > 0) writer.WriteLine("    " + call.Output.Replace("\n", "\n    ", StringComparison.Ordinal));
        }
    }
}
