using Baton.Cli.Commands;
using Baton.Cli;

return await BatonCli.RunAsync(args, CliRuntime.FromProcess(), CancellationToken.None);
