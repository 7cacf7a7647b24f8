using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Ventures;
using Baton.Local.Git;
using Baton.Local.Settings;

namespace Baton.Cli.Commands;

public enum DoctorStatus { Pass, Warn, Fail }

/// <summary>One line of <c>baton doctor</c>: what was checked, how it went, and what to do when it did not pass.</summary>
public sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail, string? Fix = null);

/// <summary><c>baton doctor --json</c>: every check, and the counts of the summary line.</summary>
public sealed record DoctorReport(IReadOnlyList<DoctorCheck> Checks, int Passed, int Warnings, int Failed);

/// <summary>
/// <c>baton doctor</c>: checks this machine end to end — Baton reachable with an accepted key (or the local store
/// usable), agent CLIs and their MCP registration, <c>baton mcp</c> answering <c>initialize</c>, git and gh, the secrets
/// providers launch would use, and the machine's registration — printing PASS/WARN/FAIL with the fix for each. Exit 1
/// on any FAIL. It changes nothing: the MCP registrations are checked with launch's own writers in check-only mode.
/// </summary>
public static class DoctorCommand
{
    /// <summary>How long <c>baton mcp</c> gets to answer <c>initialize</c>; a cold start of the process is well under this.</summary>
    public static readonly TimeSpan McpTimeout = TimeSpan.FromSeconds(20);

    public static Command Build(CliRuntime runtime)
    {
        var command = new Command("doctor",
            "Check this machine end to end: Baton reachable and key accepted (or the local store usable), agent CLIs found, MCP registered " +
            "and valid for each, `baton mcp` answering initialize, git and gh usable, secrets providers usable, machine registered. " +
            "Prints PASS/WARN/FAIL with the fix for each; exits 1 on any FAIL. Changes nothing.");
        var json = CommonOptions.Json();
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            var asJson = parse.GetValue(json);
            var checks = new List<DoctorCheck>();
            void Report(DoctorCheck check)
            {
                checks.Add(check);
                if (asJson) return;
                runtime.Out.WriteLine($"{Label(check.Status)}  {check.Name,-16} {check.Detail}");
                if (check.Fix is not null) runtime.Out.WriteLine($"      {"",-16} fix: {check.Fix}");
            }

            BatonConnection? services = null;
            try
            {
                var (check, connection, ventures) = await CheckBatonAsync(settings, token);
                services = connection;
                Report(check);
                var path = runtime.Environment.GetValueOrDefault("PATH");
                var home = runtime.Environment.GetValueOrDefault("HOME");
                var git = await GitWorkspace.DetectAsync(runtime.WorkingDirectory, token);

                var found = AgentCli.All.Select(cli => (Cli: cli, Binary: AgentCli.FindOnPathOrNull(cli.Binary, path))).ToList();
                foreach (var (cli, binary) in found)
                    Report(binary is null
                        ? new DoctorCheck($"agent {cli.Name}", DoctorStatus.Warn, "not installed", cli.InstallHint)
                        : new DoctorCheck($"agent {cli.Name}", DoctorStatus.Pass, binary));
                // A warning, not a failure: a machine that only runs `baton serve` (or CI) needs no agent CLI, and
                // doctor cannot tell such a machine from a workstation missing one.
                if (found.All(f => f.Binary is null))
                    Report(new DoctorCheck("agents", DoctorStatus.Warn,
                        "no agent CLI on PATH: fine on a server-only machine; here `baton launch` has nothing to start", AgentCli.Claude.InstallHint));

                var (mcpCommand, mcpArgs) = McpRegistration.BatonCommand(path);
                foreach (var (cli, _) in found.Where(f => f.Binary is not null))
                    Report(CheckMcpRegistration(cli, git.Root, home, mcpCommand, mcpArgs, settings));

                foreach (var (cli, _) in found.Where(f => f.Binary is not null))
                    Report(CheckHooks(cli, git.Root, home));

                Report(await CheckMcpAnswersAsync(mcpCommand, mcpArgs, runtime, token));
                Report(await CheckGitAsync(runtime, token));
                Report(await CheckGhAsync(runtime, token));
                foreach (var secrets in CheckSecrets(settings, ventures, path)) Report(secrets);
                if (connection is not null) Report(await CheckMachineAsync(connection, runtime.HostName, token));
            }
            finally
            {
                if (services is not null) await services.DisposeAsync();
            }

            var fails = checks.Count(c => c.Status == DoctorStatus.Fail);
            var warns = checks.Count(c => c.Status == DoctorStatus.Warn);
            if (asJson) Verb.WriteJson(runtime.Out, new DoctorReport(checks, checks.Count - fails - warns, warns, fails));
            else runtime.Out.WriteLine($"{checks.Count - fails - warns} passed, {warns} warning{(warns == 1 ? "" : "s")}, {fails} failed.");
            return fails > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static string Label(DoctorStatus status) => status switch
    {
        DoctorStatus.Pass => "PASS",
        DoctorStatus.Warn => "WARN",
        _ => "FAIL",
    };

    private static async Task<(DoctorCheck Check, BatonConnection? Connection, IReadOnlyList<Venture> Ventures)> CheckBatonAsync(BatonSettings settings, CancellationToken ct)
    {
        BatonConnection? connection = null;
        try
        {
            connection = await BatonConnection.OpenAsync(settings, ct);
            var ventures = await connection.Ventures.ListVenturesAsync(ct);
            var detail = $"{connection.Label}: {(settings.IsServerMode ? "reachable, key accepted" : "store usable")}, {ventures.Count} venture{(ventures.Count == 1 ? "" : "s")}";
            return (new DoctorCheck("baton", ventures.Count == 0 ? DoctorStatus.Warn : DoctorStatus.Pass, detail,
                ventures.Count == 0 ? "register ventures: put them in <data-dir>/ventures.json, or `baton ventures set`" : null), connection, ventures);
        }
        catch (BatonException ex)
        {
            if (connection is not null) await connection.DisposeAsync();
            var fix = ex.Code is ErrorCodes.Unauthorized or ErrorCodes.Forbidden
                ? "set BATON_KEY to a valid key (an admin makes one with `baton keys create`)"
                : ex.Detail;
            return (new DoctorCheck("baton", DoctorStatus.Fail, $"{settings.Url ?? "local store"} answered {ex.Code}", fix), null, []);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            if (connection is not null) await connection.DisposeAsync();
            return (new DoctorCheck("baton", DoctorStatus.Fail,
                settings.IsServerMode ? $"{settings.Url} is not reachable ({ex.GetType().Name})" : $"the local store in {settings.DataDir} cannot be opened ({ex.GetType().Name})",
                settings.IsServerMode ? "start it (`baton serve`), or fix BATON_URL; unset BATON_URL to work in local mode" : "check the data directory exists and is writable"), null, []);
        }
    }

    private static DoctorCheck CheckMcpRegistration(AgentCli cli, string? repoRoot, string? home, string command, IReadOnlyList<string> args, BatonSettings settings)
    {
        var name = $"mcp {cli.Name}";
        if (cli == AgentCli.Claude && repoRoot is null)
            return new DoctorCheck(name, DoctorStatus.Warn, "not in a git repo: Claude Code's .mcp.json lives in each repo", "run doctor in a clone, or `baton launch <venture>`, which registers it");
        if (home is null) return new DoctorCheck(name, DoctorStatus.Fail, "HOME is not set", "set HOME");
        try
        {
            // The variables a launch would pass: BATON_URL in server mode; BATON_KEY with it, or from the venture's
            // secrets, which doctor does not fetch — so a registration with or without the key is as a launch writes it.
            var always = ChildEnvironment.BatonVariables.Where(v => v is not ("BATON_URL" or "BATON_KEY") || settings.IsServerMode).ToList();
            var withKey = ChildEnvironment.BatonVariables.Where(v => v != "BATON_URL" || settings.IsServerMode).ToList();
            var outcomes = new[] { always, withKey }
                .Select(variables => McpRegistration.Register(cli, repoRoot ?? "", home, command, args, variables, checkOnly: true)).ToList();
            var outcome = outcomes.FirstOrDefault(o => !o.Changed) ?? outcomes[0];
            return outcome.Changed
                ? new DoctorCheck(name, DoctorStatus.Warn, $"baton is missing or outdated in {outcome.Path}{(outcome.ApprovalPath is { } approval ? $", or not approved in {approval}" : "")}", $"`baton launch <venture> --{cli.Name}` registers it (keeping your other entries)")
                : new DoctorCheck(name, DoctorStatus.Pass, $"registered in {outcome.Path}");
        }
        catch (UsageException ex)
        {
            return new DoctorCheck(name, DoctorStatus.Fail, "config cannot be read", ex.Message);
        }
    }

    /// <summary>
    /// Baton's hook entries for <paramref name="cli"/>, in the user's settings or this repository's (check-only installs,
    /// as <c>baton hooks install</c> would write them), and the trap of that CLI in the detail.
    /// </summary>
    internal static DoctorCheck CheckHooks(AgentCli cli, string? repoRoot, string? home)
    {
        var name = $"hooks {cli.Name}";
        if (home is null) return new DoctorCheck(name, DoctorStatus.Fail, "HOME is not set", "set HOME");
        var (command, prefix) = HookCommand.SelfCommand();
        var line = HookInstaller.CommandLine(command, prefix, cli);
        try
        {
            var scopes = repoRoot is null ? new[] { HookScope.User } : [HookScope.User, HookScope.Project];
            foreach (var scope in scopes)
            {
                var outcome = HookInstaller.Install(cli, HookInstaller.FileOf(cli, scope, home, repoRoot), line, checkOnly: true);
                if (!outcome.Changed) return new DoctorCheck(name, DoctorStatus.Pass, $"installed in {outcome.Path}; {HookCommands.Trap(cli, scope)}");
            }
            return new DoctorCheck(name, DoctorStatus.Warn,
                $"Baton's hooks are missing or outdated in {HookInstaller.FileOf(cli, HookScope.User, home, repoRoot)}: no live activity, waiting queue or drafted handoffs from {cli.Name}",
                $"`baton hooks install --{cli.Name}` (keeping your other entries); {HookCommands.Trap(cli, HookScope.User)}");
        }
        catch (UsageException ex)
        {
            return new DoctorCheck(name, DoctorStatus.Fail, "settings cannot be read", ex.Message);
        }
    }

    /// <summary>Starts <c>baton mcp</c> as an agent CLI would and waits for its answer to one JSON-RPC <c>initialize</c> line.</summary>
    private static async Task<DoctorCheck> CheckMcpAnswersAsync(string command, IReadOnlyList<string> args, CliRuntime runtime, CancellationToken ct)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = runtime.WorkingDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start);
        if (process is null) return new DoctorCheck("baton mcp", DoctorStatus.Fail, $"could not start {command}", "reinstall baton");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(McpTimeout);
        try
        {
            await process.StandardInput.WriteLineAsync(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"baton-doctor","version":"1"}}}""");
            await process.StandardInput.FlushAsync(limit.Token);
            var line = await process.StandardOutput.ReadLineAsync(limit.Token);
            if (line is null)
                return new DoctorCheck("baton mcp", DoctorStatus.Fail, "exited without answering initialize: " + FirstLine(await stderr), "run `baton mcp` by hand to see why");
            using var answer = JsonDocument.Parse(line);
            return answer.RootElement.TryGetProperty("result", out var result) && result.TryGetProperty("serverInfo", out var info)
                ? new DoctorCheck("baton mcp", DoctorStatus.Pass, $"answers initialize as {info.GetProperty("name").GetString()} in {watch.ElapsedMilliseconds} ms")
                : new DoctorCheck("baton mcp", DoctorStatus.Fail, "answered initialize with an error: " + line[..Math.Min(200, line.Length)], "run `baton mcp --debug` by hand to see why");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DoctorCheck("baton mcp", DoctorStatus.Fail, $"no answer to initialize within {McpTimeout.TotalSeconds:0} s", "run `baton mcp --debug` by hand to see where it hangs");
        }
        catch (JsonException)
        {
            return new DoctorCheck("baton mcp", DoctorStatus.Fail, "wrote something other than JSON-RPC on stdout", "nothing but JSON-RPC may go to stdout: report it");
        }
        finally
        {
            process.StandardInput.Close(); // the server stops when its client closes stdin
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await process.WaitForExitAsync(exit.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
    }

    private static async Task<DoctorCheck> CheckGitAsync(CliRuntime runtime, CancellationToken ct)
    {
        var git = await ExternalCommand.RunOrNullAsync("git", ["--version"], runtime.WorkingDirectory, ct);
        return git is { Succeeded: true }
            ? new DoctorCheck("git", DoctorStatus.Pass, git.Stdout.Trim())
            : new DoctorCheck("git", DoctorStatus.Fail, git is null ? "not installed" : "does not run: " + FirstLine(git.Stderr), "install git (apt install git, brew install git)");
    }

    private static async Task<DoctorCheck> CheckGhAsync(CliRuntime runtime, CancellationToken ct)
    {
        var gh = await ExternalCommand.RunOrNullAsync("gh", ["auth", "status"], runtime.WorkingDirectory, ct);
        if (gh is null) return new DoctorCheck("gh", DoctorStatus.Warn, "not installed: issue and CI features are off", "install the GitHub CLI (https://cli.github.com) and `gh auth login`");
        return gh.Succeeded
            ? new DoctorCheck("gh", DoctorStatus.Pass, "logged in")
            : new DoctorCheck("gh", DoctorStatus.Warn, "not logged in: " + FirstLine(gh.Stderr + gh.Stdout), "`gh auth login` (or set GH_TOKEN on a headless machine)");
    }

    /// <summary>The provider each venture would use at launch, checked without fetching a secret.</summary>
    private static IEnumerable<DoctorCheck> CheckSecrets(BatonSettings settings, IReadOnlyList<Venture> ventures, string? path)
    {
        LaunchConfig config;
        try
        {
            config = LaunchConfig.Load(settings.DataDir);
        }
        catch (UsageException ex)
        {
            return [new DoctorCheck("secrets", DoctorStatus.Fail, "launch.json cannot be read", ex.Message)];
        }
        var checks = new List<DoctorCheck>();
        foreach (var venture in ventures)
        {
            var secrets = config.For(venture.Code).Secrets ?? new SecretsConfig(venture.SecretsPath is null ? Secrets.None : Secrets.Infisical);
            var name = $"secrets {venture.Code}";
            checks.Add(secrets.Provider switch
            {
                Secrets.None => new DoctorCheck(name, DoctorStatus.Pass, "no provider (none configured)"),
                Secrets.Infisical => AgentCli.FindOnPathOrNull("infisical", path) is { } binary
                    ? new DoctorCheck(name, DoctorStatus.Pass, $"infisical at {binary} (login not checked: `infisical export` runs at launch)")
                    : new DoctorCheck(name, DoctorStatus.Fail, "infisical is not installed", "install the Infisical CLI, or choose another provider for this venture in launch.json"),
                Secrets.EnvFile when secrets.File is null => new DoctorCheck(name, DoctorStatus.Fail, "env-file provider without a file", "set secrets.file in launch.json"),
                Secrets.EnvFile => File.Exists(secrets.File)
                    ? new DoctorCheck(name, DoctorStatus.Pass, $"env file {secrets.File}")
                    : new DoctorCheck(name, DoctorStatus.Fail, $"env file {secrets.File} does not exist", "create it, or fix secrets.file in launch.json"),
                Secrets.Command when secrets.Command is not { Count: > 0 } => new DoctorCheck(name, DoctorStatus.Fail, "command provider without a command", "set secrets.command in launch.json"),
                Secrets.Command => AgentCli.FindOnPathOrNull(secrets.Command[0], path) is not null || File.Exists(secrets.Command[0])
                    ? new DoctorCheck(name, DoctorStatus.Pass, $"command {secrets.Command[0]}")
                    : new DoctorCheck(name, DoctorStatus.Fail, $"command {secrets.Command[0]} is not on PATH", "install it, or fix secrets.command in launch.json"),
                _ => new DoctorCheck(name, DoctorStatus.Fail, $"unknown provider '{secrets.Provider}'", "use infisical, env-file, command or none in launch.json"),
            });
        }
        return checks;
    }

    private static async Task<DoctorCheck> CheckMachineAsync(BatonConnection services, string hostName, CancellationToken ct)
    {
        var self = MachineRules.NormalizeHostname(hostName);
        var fleet = await FleetCommands.AllMachinesAsync(services.Machines, ct);
        return fleet.FirstOrDefault(m => m.Hostname == self) is { } machine
            ? new DoctorCheck("machine", DoctorStatus.Pass, $"{self} registered as {machine.Id}, last seen {FleetCommands.Age(machine.LastSeenAgeSeconds)}")
            : new DoctorCheck("machine", DoctorStatus.Warn, $"{self} is not registered ({fleet.Count} machine{(fleet.Count == 1 ? "" : "s")} in the fleet)", "`baton fleet register`");
    }

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n')[0].Trim();
        return line.Length <= 160 ? line : line[..159] + "…";
    }
}
