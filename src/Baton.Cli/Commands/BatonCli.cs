using System.CommandLine;
using Baton.Cli.Commands;
using Baton.Local.Diagnostics;
using Baton.Local.Settings;

namespace Baton.Cli.Commands;

/// <summary>The <c>baton</c> command tree and its entry point.</summary>
public static class BatonCli
{
    public static RootCommand BuildRoot(CliRuntime runtime)
    {
        var root = new RootCommand(
            "Baton: context and coordination for AI coding-agent sessions.\n" +
            "Server mode when BATON_URL is set (with BATON_KEY); local mode otherwise, on the SQLite store in the data directory.\n" +
            "Settings: flags > environment (" + string.Join(", ", BatonSettingsLoader.Variables) + ") > <data-dir>/baton.json > defaults.\n" +
            "Exit codes: 0 done, 1 the operation failed, 2 bad usage or configuration.");
        root.Options.Add(new Option<string>("--data-dir")
        {
            Description = "Data directory (default $XDG_DATA_HOME/baton, else ~/.local/share/baton). Env BATON_DATA_DIR.",
            Recursive = true,
        });
        root.Subcommands.Add(ServeCommand.Build(runtime));
        foreach (var command in SessionCommands.Build(runtime)) root.Subcommands.Add(command);
        foreach (var command in HandoffCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(VentureCommands.Build(runtime));
        root.Subcommands.Add(KeyCommands.Build(runtime));
        foreach (var command in NoteCommands.Build(runtime)) root.Subcommands.Add(command);
        foreach (var command in DocCommands.Build(runtime)) root.Subcommands.Add(command);
        foreach (var command in AlertCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(McpCommand.Build(runtime));
        root.Subcommands.Add(LaunchCommand.Build(runtime));
        root.Subcommands.Add(ResumeCommand.Build(runtime));
        root.Subcommands.Add(FleetCommands.Build(runtime));
        root.Subcommands.Add(AgentCommands.Build(runtime));
        root.Subcommands.Add(TaskCommands.Build(runtime));
        foreach (var command in WorkflowCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(WorkerCommand.Build(runtime));
        foreach (var command in ActivityCommands.Build(runtime)) root.Subcommands.Add(command);
        foreach (var command in ClaimCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(SpendCommands.Build(runtime));
        root.Subcommands.Add(GuardCommand.Build(runtime));
        foreach (var command in ProjectCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(TmuxSessionCommand.Build(runtime));
        root.Subcommands.Add(DoctorCommand.Build(runtime));
        foreach (var command in HookCommands.Build(runtime)) root.Subcommands.Add(command);
        root.Subcommands.Add(ServiceCommands.Build(runtime));
        return root;
    }

    /// <summary>Parses and runs; a command line that does not parse prints each mistake once (with the closest verb or flag) and exits 2.</summary>
    public static async Task<int> RunAsync(string[] args, CliRuntime runtime, CancellationToken ct)
    {
        StartupTrace.Mark("runtime read");
        var root = BuildRoot(runtime);
        StartupTrace.Mark("command tree built");
        var parse = root.Parse(args);
        StartupTrace.Mark("command line parsed");
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in ParseProblems.Describe(parse)) runtime.Error.WriteLine("baton: " + problem);
            runtime.Error.WriteLine(ParseProblems.HelpHint(parse));
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = runtime.Out,
            Error = runtime.Error,
            // `serve` handles SIGINT/SIGTERM itself to stop in order; other verbs are short and may simply be interrupted.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, ct);
    }
}
