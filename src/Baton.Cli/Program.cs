using Baton.Cli.Commands;
using Baton.Cli;
using Baton.Cli.Hooks;
using Baton.Local.Diagnostics;

// `baton hook <cli>` runs on every tool call of every agent: it must not pay for the command tree (docs/architecture.md §15).
if (HookCommand.IsHookCall(args)) return HookCommand.RunFromProcess(args);

StartupTrace.Start();

return await BatonCli.RunAsync(args, CliRuntime.FromProcess(), CancellationToken.None);
