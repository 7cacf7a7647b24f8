using System.CommandLine;
using System.Diagnostics;
using Baton.Cli.Launch;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton session &lt;venture&gt; [-- launch args…]</c>: attach to the venture's tmux session (<c>baton-&lt;venture&gt;</c>)
/// when it exists, else create it running <c>baton launch &lt;venture&gt;</c>, so an agent survives a dropped SSH link.
/// </summary>
public static class TmuxSessionCommand
{
    /// <summary>Passed into a new tmux session with <c>-e</c>: a tmux server already running would otherwise give it the server's old environment. Never secrets: those are fetched by launch itself.</summary>
    public static readonly IReadOnlyList<string> PassedVariables =
        ["PATH", "HOME", "BATON_URL", "BATON_DATA_DIR", "BATON_REPO_ROOTS", "BATON_DEFAULT_AGENT", "BATON_AGENT", "BATON_VENTURES_FILE"];

    public static Command Build(CliRuntime runtime)
    {
        var venture = new Argument<string>("venture") { Description = "The venture code." };
        var launchArgs = new Argument<string[]>("launch-args") { Arity = ArgumentArity.ZeroOrMore, Description = "Passed to `baton launch` (e.g. -- --codex)." };
        var command = new Command("session",
            "Attach to the venture's tmux session (baton-<venture>) if it exists; else create it and run `baton launch <venture>` inside it. Needs tmux.");
        command.Arguments.Add(venture);
        command.Arguments.Add(launchArgs);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var tmux = AgentCli.FindOnPathOrNull("tmux", runtime.Environment.GetValueOrDefault("PATH"));
            if (tmux is null)
            {
                runtime.Error.WriteLine("baton: tmux is not installed (no `tmux` on PATH): install it (apt install tmux, brew install tmux), or run `baton launch` directly.");
                return ExitCodes.Failed;
            }
            var v = await context.Services.Ventures.GetVentureAsync(parse.GetValue(venture)!.Trim(), token);
            var name = "baton-" + v.Code;

            // "=name" matches the session name exactly: tmux would otherwise take a prefix ("baton-a" finding "baton-alpha").
            var exists = await RunAsync(tmux, ["has-session", "-t", "=" + name], runtime, inherit: false, token) == 0;
            if (exists)
            {
                var insideTmux = runtime.Environment.ContainsKey("TMUX");
                runtime.Error.WriteLine($"baton: {(insideTmux ? "switching" : "attaching")} to tmux session {name}.");
                return await RunAsync(tmux, [insideTmux ? "switch-client" : "attach-session", "-t", "=" + name], runtime, inherit: true, token);
            }

            var (batonCommand, batonArgs) = McpRegistration.BatonCommand(runtime.Environment.GetValueOrDefault("PATH"));
            var launch = new List<string> { batonCommand };
            launch.AddRange(batonArgs.Take(batonArgs.Count - 1)); // BatonCommand ends with "mcp"; we want launch
            launch.Add("launch");
            launch.Add(v.Code);
            var extra = parse.GetValue(launchArgs) ?? [];
            launch.AddRange(extra);
            var arguments = new List<string> { "new-session", "-s", name, "-c", runtime.WorkingDirectory };
            foreach (var variable in PassedVariables)
            {
                if (runtime.Environment.TryGetValue(variable, out var value)) arguments.AddRange(["-e", $"{variable}={value}"]);
            }
            // One shell-quoted command string: tmux hands it to the shell, and nothing in an argument may be interpreted.
            arguments.Add(string.Join(' ', launch.Select(ShellQuote)));
            runtime.Error.WriteLine($"baton: creating tmux session {name} running `baton launch {v.Code}{(extra.Length == 0 ? "" : " " + string.Join(' ', extra))}`.");
            return await RunAsync(tmux, arguments, runtime, inherit: true, token);
        }, ct));
        return command;
    }

    /// <summary>A POSIX shell single-quoted word.</summary>
    public static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '=' or ':' or ',' or '+')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task<int> RunAsync(string tmux, IReadOnlyList<string> arguments, CliRuntime runtime, bool inherit, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tmux) { UseShellExecute = false, WorkingDirectory = runtime.WorkingDirectory };
        if (!inherit)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new UsageException($"Could not start {tmux}.");
        if (!inherit)
        {
            // has-session prints "can't find session" on stderr when there is none: an expected answer, not news.
            await Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
        }
        await process.WaitForExitAsync(CancellationToken.None);
        return process.ExitCode;
    }
}
