using Baton.Cli.Commands;
using Baton.Cli;
using Baton.Local.Diagnostics;

StartupTrace.Start();

return await BatonCli.RunAsync(args, CliRuntime.FromProcess(), CancellationToken.None);
