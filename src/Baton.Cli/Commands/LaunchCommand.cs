using System.CommandLine;
using System.Diagnostics;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Cli.Output;
using Baton.Core.Ventures;
using Baton.Mcp;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton launch &lt;venture&gt; [--claude|--gemini|--codex] [--env prod|dev] [-- agent args…]</c>: starts an agent CLI in
/// the venture's local clone with its secrets in the environment only and <c>baton mcp</c> registered for it; and
/// <c>baton launch --list</c>.
/// </summary>
public static class LaunchCommand
{
    public static Command Build(CliRuntime runtime)
    {
        var venture = new Argument<string?>("venture") { Arity = ArgumentArity.ZeroOrOne, Description = "The venture code to work on." };
        var agentArgs = new Argument<string[]>("agent-args") { Arity = ArgumentArity.ZeroOrMore, Description = "Passed to the agent CLI as is (put them after --)." };
        var claude = new Option<bool>("--claude") { Description = "Launch Claude Code." };
        var gemini = new Option<bool>("--gemini") { Description = "Launch Gemini CLI." };
        var codex = new Option<bool>("--codex") { Description = "Launch Codex CLI." };
        var env = new Option<string>("--env") { Description = "Secrets environment: dev (default) or prod.", DefaultValueFactory = _ => "dev" }
            .AcceptOnlyFromAmong("dev", "prod");
        var list = new Option<bool>("--list") { Description = "List ventures with their local clone and configured agent, and launch nothing." };
        var json = CommonOptions.Json();
        json.Description = "With --list: print the list as JSON (for scripts). A launch hands the terminal to the agent, so it prints no JSON.";
        var command = new Command("launch",
            "Start an agent CLI in the venture's local clone: secrets fetched once into its environment only (never to disk), " +
            "deny-listed variables removed, BATON_URL/KEY/VENTURE/AGENT/ENV set, and `baton mcp` registered for that CLI.\n" +
            "Agent: the flag, else launch.json, else BATON_DEFAULT_AGENT, else claude. Repo roots: BATON_REPO_ROOTS (colon-separated), default ~/dev.\n" +
            "Per-venture secrets provider, deny list and agent: <data-dir>/launch.json. The agent's exit code is baton's.");
        command.Arguments.Add(venture);
        command.Arguments.Add(agentArgs);
        foreach (Option option in new Option[] { claude, gemini, codex, env, list, json }) command.Options.Add(option);

        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var roots = BatonMcpOptions.RepoRootsFrom(runtime.Environment.GetValueOrDefault(BatonMcpOptions.RepoRootsVariable), runtime.Environment.GetValueOrDefault("HOME"));
            var config = LaunchConfig.Load(context.Settings.DataDir);
            if (parse.GetValue(list)) return await ListAsync(context, roots, config, parse.GetValue(json), token);
            if (parse.GetValue(json)) throw new UsageException("--json goes with --list: a launch hands the terminal to the agent.");

            var code = parse.GetValue(venture) ?? throw new UsageException("Name the venture to launch (`baton launch <venture>`), or use --list to see them.");
            var flags = new[] { (claude, AgentCli.Claude), (gemini, AgentCli.Gemini), (codex, AgentCli.Codex) }.Where(f => parse.GetValue(f.Item1)).ToList();
            if (flags.Count > 1) throw new UsageException("Choose one agent: --claude, --gemini or --codex.");
            var request = new LaunchRequest(code, flags.FirstOrDefault().Item2?.Name, parse.GetValue(env)!, parse.GetValue(agentArgs) ?? []);
            return await LaunchAsync(context, request, roots, config, token);
        }, ct));
        return command;
    }

    private sealed record LaunchRequest(string Venture, string? AgentFlag, string Env, IReadOnlyList<string> AgentArgs);

    private static async Task<int> LaunchAsync(VerbContext context, LaunchRequest request, IReadOnlyList<string> roots, LaunchConfig config, CancellationToken ct)
    {
        var runtime = context.Runtime;
        var started = Stopwatch.GetTimestamp();
        var ventureLaunch = config.For(request.Venture);

        // 1. The agent CLI, and its binary on PATH.
        var cli = AgentCli.Resolve(request.AgentFlag, ventureLaunch.Agent, runtime.Environment.GetValueOrDefault(AgentCli.DefaultAgentVariable));
        var path = runtime.Environment.GetValueOrDefault("PATH");
        var binary = AgentCli.FindOnPathOrNull(cli.Binary, path);
        if (binary is null)
        {
            runtime.Error.WriteLine($"baton: {cli.Name} is not installed (no `{cli.Binary}` on PATH). Install it with `{cli.InstallHint}`, or launch another agent (--claude, --gemini, --codex).");
            return ExitCodes.Failed;
        }

        // 2. The venture, from the server or the registry.
        var venture = await context.Services.Ventures.GetVentureAsync(request.Venture, ct);

        // 3. The local clone.
        var repo = CloneFinder.FindOrNull(venture, roots);
        if (repo is null)
        {
            runtime.Error.WriteLine($"baton: no clone of {string.Join(" or ", venture.Repos.Select(r => $"{venture.Org}/{r}"))} under {string.Join(", ", roots)}. Clone it with:");
            runtime.Error.WriteLine("  " + CloneCommand(venture, roots));
            runtime.Error.WriteLine($"  (or add the directory holding your clones to {BatonMcpOptions.RepoRootsVariable}, colon-separated).");
            return ExitCodes.Failed;
        }

        // 4. Secrets, once.
        var secretsConfig = ventureLaunch.Secrets ?? new SecretsConfig(venture.SecretsPath is null ? Secrets.None : Secrets.Infisical);
        IReadOnlyDictionary<string, string> secrets;
        try
        {
            secrets = secretsConfig.Provider == Secrets.None
                ? new Dictionary<string, string>()
                : await Secrets.FetchAsync(secretsConfig, venture.SecretsPath, request.Env, repo, ventureLaunch.RequiredKeys ?? ["BATON_KEY"], runtime.Environment, ct);
        }
        catch (SecretsException ex)
        {
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ExitCodes.Failed;
        }

        // 5. The child environment.
        var agentName = context.Settings.Agent ?? AgentName.Resolve(null, null, cli.Name, runtime.HostName, runtime.Terminal);
        var baton = new Dictionary<string, string>
        {
            ["BATON_VENTURE"] = venture.Code,
            ["BATON_AGENT"] = agentName,
            ["BATON_ENV"] = request.Env,
            ["BATON_DATA_DIR"] = context.Settings.DataDir,
        };
        if (context.Settings.Url is { } url) baton["BATON_URL"] = url;
        if ((secrets.GetValueOrDefault("BATON_KEY") ?? context.Settings.Key) is { } key) baton["BATON_KEY"] = key;
        var deny = ChildEnvironment.DefaultDeny.Concat(ventureLaunch.DenyEnv ?? []).ToList();
        var environment = ChildEnvironment.Build(runtime.Environment, deny, secrets, baton);

        // 6. baton mcp registered for that CLI.
        var (mcpCommand, mcpArgs) = McpRegistration.BatonCommand(path);
        var home = runtime.Environment.GetValueOrDefault("HOME") ?? throw new UsageException("HOME is not set: Baton needs it to find the agent CLI's config.");
        var registration = McpRegistration.Register(cli, repo, home, mcpCommand, mcpArgs, ChildEnvironment.SetIn(baton));

        // 6b. Baton's hooks in the CLI's own user settings (user level: no trust prompt per worktree, §15).
        string hooksNote;
        try
        {
            var (hookCommand, hookPrefix) = HookCommand.SelfCommand();
            var hooks = HookInstaller.Install(cli, HookInstaller.FileOf(cli, HookScope.User, home, repo), HookInstaller.CommandLine(hookCommand, hookPrefix, cli));
            hooksNote = $"hooks {(hooks.Changed ? "installed in" : "already in")} {hooks.Path}";
        }
        catch (Exception ex) when (ex is UsageException or IOException or UnauthorizedAccessException)
        {
            // The agent works without hooks; Baton just learns less. Say so and launch.
            hooksNote = "hooks not installed: " + ex.Message;
        }

        runtime.Error.WriteLine($"baton: launching {cli.Name} for {venture.Name} ({venture.Code}) in {repo}; " +
                                $"{secrets.Count} secret{(secrets.Count == 1 ? "" : "s")} from {secretsConfig.Provider}; " +
                                $"MCP {(registration.Changed ? "registered in" : "already in")} {registration.Path}" +
                                (registration.ApprovalPath is { } approval ? $", approved for this project in {approval} (enabledMcpjsonServers)" : "") + "; " +
                                hooksNote + ". " +
                                $"({Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms)");

        // 7. Spawn with inherited stdio; the agent's exit code is ours.
        return await SpawnAsync(binary, [.. cli.LaunchArgs, .. request.AgentArgs], repo, environment, ct);
    }

    internal static async Task<int> SpawnAsync(string binary, IReadOnlyList<string> args, string directory, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(binary) { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;

        // Ctrl-C reaches the agent through the terminal; any other terminating signal baton gets is passed on to it.
        using var forwarding = new SignalForwarding();
        using var process = Process.Start(start) ?? throw new UsageException($"Could not start {binary}.");
        forwarding.Target(process.Id);
        await process.WaitForExitAsync(CancellationToken.None);
        _ = ct;
        return process.ExitCode;
    }

    private static string CloneCommand(Venture venture, IReadOnlyList<string> roots) => CloneFinder.CloneCommand(venture, roots);

    private static async Task<int> ListAsync(VerbContext context, IReadOnlyList<string> roots, LaunchConfig config, bool asJson, CancellationToken ct)
    {
        var ventures = await context.Services.Ventures.ListVenturesAsync(ct);
        var defaultAgent = context.Runtime.Environment.GetValueOrDefault(AgentCli.DefaultAgentVariable);
        var rows = ventures.Select(v => new LaunchListEntry(v.Code, v.Name, CloneFinder.FindOrNull(v, roots),
            config.For(v.Code).Agent ?? (string.IsNullOrWhiteSpace(defaultAgent) ? AgentCli.Claude.Name : defaultAgent))).ToList();
        if (asJson)
        {
            Verb.WriteJson(context.Out, new LaunchList(rows, roots));
            return ExitCodes.Ok;
        }
        var table = new TextTable("VENTURE", "NAME", "CLONE", "AGENT");
        foreach (var row in rows) table.Add(row.Venture, row.Name, row.ClonePath ?? "not cloned", row.Agent);
        table.WriteTo(context.Out);
        context.Out.WriteLine($"{ventures.Count} venture{(ventures.Count == 1 ? "" : "s")}; repo roots: {(roots.Count == 0 ? "none" : string.Join(", ", roots))}.");
        return ExitCodes.Ok;
    }
}

/// <summary>One venture of <c>baton launch --list</c>: its clone here (null when not cloned) and the agent a launch would start.</summary>
public sealed record LaunchListEntry(string Venture, string Name, string? ClonePath, string Agent);

/// <summary><c>baton launch --list --json</c>.</summary>
public sealed record LaunchList(IReadOnlyList<LaunchListEntry> Ventures, IReadOnlyList<string> RepoRoots);
