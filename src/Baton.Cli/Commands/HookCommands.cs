using System.CommandLine;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;
using Baton.Local.Git;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton hook claude|gemini|codex [event]</c> (what the CLIs' hook configs run; the real work takes the fast path in
/// Program.cs, this tree only documents it), <c>baton hook flush</c>, and <c>baton hooks install</c>.
/// </summary>
public static class HookCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime)
    {
        var hook = new Command("hook",
            "What an agent CLI's hook config runs: records the event (JSON on stdin; Codex's notify: the last argument) in the " +
            "outbox (<data-dir>/outbox.db) and exits 0 at once, silent on stdout, whatever happens. A sender forwards the outbox: " +
            "a detached `baton hook flush --linger` the hook starts (BATON_HOOK_FLUSH=off: never), `baton mcp`, or `baton hook flush`.");
        foreach (var cli in AgentCli.All)
        {
            var eventName = new Argument<string[]>("event") { Arity = ArgumentArity.ZeroOrMore, Description = "The event name (optional: the payload names it), or Codex notify's JSON." };
            var sub = new Command(cli.Name, $"Record one {cli.Name} hook event (`baton hooks install --{cli.Name}` writes the config that runs it).");
            sub.Arguments.Add(eventName);
            sub.SetAction(parse => HookCommand.RunFromProcess(["hook", cli.Name, .. parse.GetValue(eventName) ?? []]));
            hook.Subcommands.Add(sub);
        }

        var linger = new Option<bool>("--linger") { Description = "Keep looking for new events a few seconds after the outbox is empty (what the hook starts)." };
        var json = CommonOptions.Json();
        var flush = new Command("flush", "Forward the outbox now, oldest first, exactly once per event; prints what was sent and what is left. " +
                                         "Exit 1 when events are left because Baton could not be reached.");
        flush.Options.Add(linger);
        flush.Options.Add(json);
        flush.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            var quiet = parse.GetValue(linger);
            var outcome = await HookFlush.RunAsync(settings.DataDir, async openToken =>
            {
                var connection = await BatonConnection.OpenAsync(settings, openToken);
                return (connection.Activity, connection);
            }, TimeProvider.System, parse.GetValue(linger), token);
            if (quiet) return ExitCodes.Ok; // started by a hook: nobody reads its output
            if (outcome is null)
            {
                runtime.Out.WriteLine("Another sender is forwarding the outbox right now; nothing done.");
                return ExitCodes.Ok;
            }
            if (parse.GetValue(json)) Verb.WriteJson(runtime.Out, outcome);
            else
            {
                runtime.Out.WriteLine($"{outcome.Sent} event{(outcome.Sent == 1 ? "" : "s")} sent, {outcome.Duplicates} already there, " +
                                      $"{outcome.Dead} refused (kept in the outbox's dead rows), {outcome.Left} left.");
                if (outcome.Problem is not null) runtime.Error.WriteLine("baton: stopped: " + outcome.Problem);
            }
            return outcome.Problem is null ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));
        hook.Subcommands.Add(flush);

        var hooks = new Command("hooks", "Baton's hook entries in the agent CLIs' settings.");
        var claude = new Option<bool>("--claude") { Description = "Claude Code (~/.claude/settings.json, or .claude/settings.json with --project)." };
        var gemini = new Option<bool>("--gemini") { Description = "Gemini CLI (~/.gemini/settings.json, or .gemini/settings.json with --project)." };
        var codex = new Option<bool>("--codex") { Description = "Codex CLI (~/.codex/hooks.json, or .codex/hooks.json with --project)." };
        var user = new Option<bool>("--user") { Description = "In your own settings (the default: runs in every folder without a trust prompt)." };
        var project = new Option<bool>("--project") { Description = "In this repository's settings (Gemini runs them only in trusted folders, Codex only once trusted)." };
        var check = new Option<bool>("--check") { Description = "Write nothing: say which files an install would change (exit 1 when any)." };
        var installJson = CommonOptions.Json();
        var install = new Command("install",
            "Write Baton's hook entries (`baton hook <cli>` for session start/end, prompts, tools, permission prompts and notifications, " +
            "stops and compaction) into each CLI's own settings, keeping every other entry byte for byte. Idempotent. No CLI flag: all three.");
        foreach (Option option in new Option[] { claude, gemini, codex, user, project, check, installJson }) install.Options.Add(option);
        install.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (_, token) =>
        {
            if (parse.GetValue(user) && parse.GetValue(project)) throw new UsageException("Choose one of --user and --project.");
            var scope = parse.GetValue(project) ? HookScope.Project : HookScope.User;
            var chosen = new[] { (claude, AgentCli.Claude), (gemini, AgentCli.Gemini), (codex, AgentCli.Codex) }
                .Where(f => parse.GetValue(f.Item1)).Select(f => f.Item2).ToList();
            if (chosen.Count == 0) chosen = [.. AgentCli.All];
            var home = runtime.Environment.GetValueOrDefault("HOME") ?? throw new UsageException("HOME is not set: Baton needs it to find the agent CLIs' settings.");
            var repo = scope == HookScope.Project ? (await GitWorkspace.DetectAsync(runtime.WorkingDirectory, token)).Root : null;
            var (command, prefix) = HookCommand.SelfCommand();
            var changed = 0;
            var outcomes = new List<HookInstallOutcome>();
            foreach (var cli in chosen)
            {
                var outcome = HookInstaller.Install(cli, HookInstaller.FileOf(cli, scope, home, repo), HookInstaller.CommandLine(command, prefix, cli), parse.GetValue(check));
                outcomes.Add(outcome);
                if (outcome.Changed) changed++;
                if (parse.GetValue(installJson)) continue;
                runtime.Out.WriteLine(parse.GetValue(check)
                    ? $"{cli.Name}: {(outcome.Changed ? "would change" : "up to date:")} {outcome.Path}"
                    : $"{cli.Name}: {(outcome.Changed ? "installed in" : "already in")} {outcome.Path}");
                runtime.Out.WriteLine("  " + Trap(cli, scope));
            }
            if (parse.GetValue(installJson)) Verb.WriteJson(runtime.Out, outcomes);
            return parse.GetValue(check) && changed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        }, ct));
        hooks.Subcommands.Add(install);
        return [hook, hooks];
    }

    /// <summary>What the user must know (or do once) for the CLI to run the hooks at all.</summary>
    public static string Trap(AgentCli cli, HookScope scope) =>
        cli == AgentCli.Claude
            ? "Claude Code reads hooks at session start (restart running sessions); `claude --bare` runs no hooks at all."
            : cli == AgentCli.Gemini
                ? (scope == HookScope.Project ? "Gemini runs project hooks only in trusted folders (trust this folder once); " : "") +
                  "Gemini does not wait for SessionEnd hooks, so a session's end may go unrecorded (Baton's staleness covers it)."
                : "Codex runs a hook only once you have trusted it: start codex and approve Baton's hooks when asked (again after the command changes).";
}
