using System.CommandLine;
using Baton.Cli.Launch;
using Baton.Core.Sessions;
using Baton.Mcp;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton resume &lt;session&gt; [-- agent args…]</c>: starts the session's own agent CLI on its own native session
/// (recorded from its hook events, or from <c>CLAUDE_CODE_SESSION_ID</c> at SOD) in the session's repo clone on this
/// machine — <c>claude --resume &lt;id&gt;</c>, <c>gemini --resume &lt;id&gt;</c>, <c>codex resume &lt;id&gt;</c>
/// (docs/architecture.md §15). The clone is found as <c>baton launch</c> finds one (BATON_REPO_ROOTS, default ~/dev).
/// The agent's exit code is baton's.
/// </summary>
public static class ResumeCommand
{
    /// <summary>The arguments that resume native session <paramref name="nativeId"/> in <paramref name="cli"/>; null for a CLI Baton does not know.</summary>
    public static IReadOnlyList<string>? ResumeArgs(string cli, string nativeId) => cli switch
    {
        "claude" => ["--resume", nativeId],
        "gemini" => ["--resume", nativeId],
        "codex" => ["resume", nativeId],
        _ => null,
    };

    public static Command Build(CliRuntime runtime)
    {
        var session = new Argument<string>("session-id") { Description = "The session (sess_…), as `baton sessions` shows it." };
        var agentArgs = new Argument<string[]>("agent-args") { Arity = ArgumentArity.ZeroOrMore, Description = "Passed to the agent CLI after the resume arguments (put them after --)." };
        var command = new Command("resume",
            "Start the session's agent CLI on that very CLI session, in the session's repo clone here: `claude --resume <id>`, " +
            "`gemini --resume <id>` or `codex resume <id>`. The CLI's session id comes from its hooks (`baton hooks install`) or, " +
            "for Claude, from `baton mcp` at SOD. Repo roots: BATON_REPO_ROOTS (colon-separated), default ~/dev.");
        command.Arguments.Add(session);
        command.Arguments.Add(agentArgs);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var found = await context.Services.Sessions.GetSessionAsync(parse.GetValue(session)!, token);
            return await ResumeAsync(context, found, parse.GetValue(agentArgs) ?? [], token);
        }, ct));
        return command;
    }

    private static async Task<int> ResumeAsync(VerbContext context, Session session, IReadOnlyList<string> extra, CancellationToken ct)
    {
        var runtime = context.Runtime;
        if (session.NativeSessionId is not { } native || session.NativeCli is not { } cliName || ResumeArgs(cliName, native) is not { } args)
        {
            runtime.Error.WriteLine($"baton: session {session.Id} has no recorded CLI session to resume: its agent CLI's hooks never reported one " +
                                    "(install them with `baton hooks install`), and no `baton mcp` SOD under Claude Code recorded CLAUDE_CODE_SESSION_ID. " +
                                    $"Start afresh with `baton launch {session.Venture}`.");
            return ExitCodes.Failed;
        }
        var cli = AgentCli.All.First(c => c.Name == cliName);
        var path = runtime.Environment.GetValueOrDefault("PATH");
        if (AgentCli.FindOnPathOrNull(cli.Binary, path) is not { } binary)
        {
            runtime.Error.WriteLine($"baton: {cli.Name} is not installed (no `{cli.Binary}` on PATH). Install it with `{cli.InstallHint}`.");
            return ExitCodes.Failed;
        }
        var roots = BatonMcpOptions.RepoRootsFrom(runtime.Environment.GetValueOrDefault(BatonMcpOptions.RepoRootsVariable), runtime.Environment.GetValueOrDefault("HOME"));
        if (CloneFinder.FindRepoOrNull(session.Repo, roots) is not { } clone)
        {
            runtime.Error.WriteLine($"baton: {session.Repo} (the repo of session {session.Id}) is not cloned under {(roots.Count == 0 ? "any repo root" : string.Join(", ", roots))} on this machine. " +
                                    $"Clone it there (`git clone git@github.com:{session.Repo}.git`), or add the directory holding it to {BatonMcpOptions.RepoRootsVariable}.");
            return ExitCodes.Failed;
        }
        runtime.Error.WriteLine($"baton: resuming {cli.Name} session {native} of {session.Id} ({session.Agent}) in {clone}.");
        return await LaunchCommand.SpawnAsync(binary, [.. args, .. extra], clone, runtime.Environment, ct);
    }
}
