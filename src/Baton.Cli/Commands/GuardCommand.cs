using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Local.Git;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton guard install|check</c> (docs/architecture.md §15 Claims): a git pre-commit hook that refuses a commit
/// touching files another live session holds exclusively. It never blocks work because Baton cannot answer: unreachable,
/// misconfigured or failing, the check lets the commit through with one line on stderr. <c>BATON_GUARD=off</c> lets one
/// commit through unchecked.
/// </summary>
public static class GuardCommand
{
    /// <summary>The line that marks a pre-commit hook as the guard's own (install rewrites such a hook in place).</summary>
    public const string Marker = "# baton guard: installed by `baton guard install`";

    /// <summary>Where install moves the hook it found, which the guard's hook runs first.</summary>
    public const string ChainedName = "pre-commit.baton-chained";

    public const string OffVariable = "BATON_GUARD";

    public static Command Build(CliRuntime runtime)
    {
        var command = new Command("guard", "A git pre-commit hook that refuses commits touching files another live session claimed exclusively.");
        command.Subcommands.Add(BuildInstall(runtime));
        command.Subcommands.Add(BuildCheck(runtime));
        return command;
    }

    private static Command BuildInstall(CliRuntime runtime)
    {
        var command = new Command("install",
            "Install the pre-commit hook in this repository. A pre-commit hook already there is kept: it is moved to " +
            ChainedName + " and runs first, and its failure still stops the commit with its exit code. Idempotent.");
        var json = CommonOptions.Json();
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var hooks = await HooksDirectoryOrNullAsync(runtime.WorkingDirectory, ct);
            if (hooks is null)
            {
                runtime.Error.WriteLine($"baton: {runtime.WorkingDirectory} is not inside a git repository: run `baton guard install` in the repository to guard.");
                return ExitCodes.Usage;
            }
            Directory.CreateDirectory(hooks);
            var hook = Path.Combine(hooks, "pre-commit");
            var chained = Path.Combine(hooks, ChainedName);
            var kept = false;
            if (File.Exists(hook) && !File.ReadAllText(hook).Contains(Marker, StringComparison.Ordinal))
            {
                if (File.Exists(chained))
                {
                    runtime.Error.WriteLine($"baton: both {hook} (not the guard's) and {chained} exist: merge them by hand, then run install again.");
                    return ExitCodes.Failed;
                }
                // A move keeps the user's hook byte for byte, with its mode (it stays executable).
                File.Move(hook, chained);
                kept = true;
            }
            File.WriteAllText(hook, HookScript(BatonCommandLine()));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(hook, File.GetUnixFileMode(hook) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(runtime.Out, new GuardInstalled(hook, File.Exists(chained) ? chained : null));
                return ExitCodes.Ok;
            }
            runtime.Out.WriteLine($"Installed the claims guard in {hook}." +
                                  (kept ? $" Your pre-commit hook is kept as {chained} and runs first." :
                                      File.Exists(chained) ? $" {chained} still runs first." : ""));
            runtime.Out.WriteLine($"A commit touching files another live session holds exclusively is refused; {OffVariable}=off git commit … lets one through.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The hook: the kept hook first (its failure ends the commit with its exit code), then the check. POSIX sh, since
    /// git runs hooks with sh wherever it runs.
    /// </summary>
    internal static string HookScript(string baton) => $"""
        #!/bin/sh
        {Marker}; docs: `baton guard --help`.
        # The hook that was here before runs first; its failure stops the commit as it always did.
        chained="$(dirname "$0")/{ChainedName}"
        if [ -x "$chained" ]; then
          "$chained" "$@" || exit $?
        fi
        exec {baton} guard check
        """.ReplaceLineEndings("\n") + "\n";

    /// <summary>This very baton as a shell command: <c>dotnet baton.dll</c> under a build or the tests, else its absolute path.</summary>
    private static string BatonCommandLine()
    {
        var process = Environment.ProcessPath ?? "baton";
        return string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? $"{Quote(process)} {Quote(typeof(GuardCommand).Assembly.Location)}"
            : Quote(process);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Command BuildCheck(CliRuntime runtime)
    {
        var command = new Command("check",
            "What the hook runs: refuse (exit 1) when a staged file is held exclusively by another live session, naming the file and its holder. " +
            "The committer is this agent (its live sessions' claims are its own) and the session `baton sod` remembered for it, this repo and track. " +
            "Baton unreachable or failing: the commit goes through, with one line on stderr. " + OffVariable + "=off: one commit goes through unchecked.");
        var json = new Option<bool>("--json") { Description = "Also print the files held by others as JSON on stdout (the messages stay on stderr)." };
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            if (runtime.Environment.TryGetValue(OffVariable, out var off) && string.Equals(off.Trim(), "off", StringComparison.OrdinalIgnoreCase))
            {
                runtime.Error.WriteLine($"baton guard: {OffVariable}=off — claims not checked for this commit.");
                return ExitCodes.Ok;
            }
            try
            {
                return await CheckAsync(runtime, parse, parse.GetValue(json), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never block work because Baton cannot answer: the claims are advice the server keeps, and a server
                // that is down must not stop every commit on every machine.
                runtime.Error.WriteLine($"baton guard: could not check claims ({Reason(ex)}); commit allowed unchecked.");
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static async Task<int> CheckAsync(CliRuntime runtime, ParseResult parse, bool json, CancellationToken ct)
    {
        var files = await StagedFilesAsync(runtime.WorkingDirectory, ct);
        if (files.Count == 0)
        {
            if (json) Verb.WriteJson(runtime.Out, new ClaimCheck([]));
            return ExitCodes.Ok;
        }

        var settings = Verb.LoadSettings(runtime, parse);
        if (settings.Validate() is { Count: > 0 } problems) throw new UsageException("the configuration has problems: " + string.Join(" ", problems));
        await using var services = await BatonConnection.OpenAsync(settings, ct);
        var repo = await CliTargets.RepoAsync(null, runtime, ct);
        var venture = await CliTargets.VentureAsync(null, repo, services.Ventures, ct);
        var agent = AgentName.Resolve(null, settings.Agent, null, runtime.HostName, runtime.Terminal);
        var own = new SessionStateFile(settings.DataDir).FindSessionIdOrNull(agent, repo, Baton.Core.Application.Targets.Track(null));
        var check = await services.Claims.CheckAsync(new CheckClaimsRequest(venture, repo, files, own, agent), ct);
        if (json) Verb.WriteJson(runtime.Out, check);
        if (check.Held.Count == 0) return ExitCodes.Ok;

        runtime.Error.WriteLine($"baton guard: commit refused — {check.Held.Count} staged file{(check.Held.Count == 1 ? "" : "s")} held exclusively by another live session:");
        foreach (var held in check.Held)
        {
            var c = held.Claim;
            runtime.Error.WriteLine($"  {held.File} — {c.Target} claimed by session {c.SessionId} (agent {c.Agent}) since {Text.Wire(c.CreatedAt)} ({c.Id})");
        }
        runtime.Error.WriteLine("Unstage them (git restore --staged <file>), wait for that session or ask its agent to `baton release`, " +
                                $"or override once: {OffVariable}=off git commit …");
        return ExitCodes.Failed;
    }

    private static string Reason(Exception ex) => ex switch
    {
        BatonException b => $"{b.Code}: {b.Detail}",
        _ => ex.Message,
    };

    /// <summary>The staged paths, NUL-separated so any file name survives; renames as their two paths (both are touched).</summary>
    private static async Task<IReadOnlyList<string>> StagedFilesAsync(string directory, CancellationToken ct)
    {
        var diff = await ExternalCommand.RunOrNullAsync("git", ["diff", "--cached", "--name-only", "--no-renames", "-z"], directory, ct);
        if (diff is null || !diff.Succeeded) throw new InvalidOperationException("git diff --cached failed: " + (diff?.Stderr.Trim() ?? "git is not installed"));
        return diff.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<string?> HooksDirectoryOrNullAsync(string directory, CancellationToken ct)
    {
        // --git-path follows core.hooksPath and worktrees, so the hook lands where git will look for it.
        var path = await ExternalCommand.RunOrNullAsync("git", ["rev-parse", "--git-path", "hooks"], directory, ct);
        if (path is null || !path.Succeeded) return null;
        return Path.GetFullPath(Path.Combine(directory, path.Stdout.Trim()));
    }
}

/// <summary>What <c>baton guard install --json</c> prints: the hook written and the kept hook it runs first (null when none).</summary>
public sealed record GuardInstalled(string Hook, string? Chained);
