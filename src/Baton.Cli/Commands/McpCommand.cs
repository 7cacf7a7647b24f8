using Baton.Mcp.Hosting;
using System.CommandLine;
using Baton.Mcp;
using Baton.Cli.Hooks;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton mcp</c>: the stdio MCP server an agent CLI starts from its MCP config. Same modes as every verb (server
/// mode with BATON_URL/BATON_KEY, local mode on the store otherwise). stdout is the JSON-RPC channel and nothing else
/// may write there; logs go to stderr.
/// </summary>
public static class McpCommand
{
    public static Command Build(CliRuntime runtime)
    {
        var tools = new Option<string>("--tools")
        {
            Description = "Which tools to offer: core (sod, handoff, heartbeat, context, doc, notes, status) or all (default).",
            DefaultValueFactory = _ => "all",
        }.AcceptOnlyFromAmong("core", "all");
        var debug = new Option<bool>("--debug") { Description = "Verbose logs on stderr (stdout stays JSON-RPC only)." };
        var command = new Command("mcp", "Run Baton's MCP server on stdin/stdout, for Claude Code, Gemini CLI, Codex CLI or any MCP client. " +
                                         "Start it from the agent CLI's MCP config; it stops when the client closes stdin.");
        command.Options.Add(tools);
        command.Options.Add(debug);
        // Settings are checked before anything is served (a bad one exits 2, as for every verb); the services are opened at
        // the first tool call, not before `initialize` (decision 0014).
        command.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (settings, token) =>
        {
            var mode = settings.IsServerMode ? BackendMode.Server : BackendMode.Local;
            var keyConfigured = !string.IsNullOrWhiteSpace(settings.Key);
            await using var backend = new BackendSource(mode, BatonConnection.LabelOf(settings), keyConfigured, async openToken =>
            {
                var services = await BatonConnection.OpenAsync(settings, openToken, longRunning: true);
                // Forwarding what the hooks left in the outbox starts with the services, in the background (§15).
                var sender = services.Activity is { } activity
                    ? new BackgroundHookSender(settings.DataDir, activity, TimeProvider.System, runtime.Error)
                    : null;
                return new OpenedBackend(new BatonBackend(services.Sessions, services.Handoffs, services.Ventures, services.Notes, services.Docs,
                    mode, services.Label, keyConfigured, services.Tasks, services.Activity, services.Claims, services.Spend, services.Workflows), new ClosesInOrder(sender, services));
            });
            var options = new BatonMcpOptions
            {
                Tools = parse.GetValue(tools) == "core" ? ToolSet.Core : ToolSet.All,
                WorkingDirectory = runtime.WorkingDirectory,
                Agent = settings.Agent,
                HostName = runtime.HostName,
                Terminal = runtime.Terminal,
                Track = runtime.Environment.GetValueOrDefault(BatonMcpOptions.TrackVariable) is { Length: > 0 } track ? track.Trim() : null,
                ClaudeSessionId = runtime.Environment.GetValueOrDefault(BatonMcpOptions.ClaudeSessionVariable) is { Length: > 0 } claude ? claude.Trim() : null,
                RepoRoots = BatonMcpOptions.RepoRootsFrom(runtime.Environment.GetValueOrDefault(BatonMcpOptions.RepoRootsVariable),
                    runtime.Environment.GetValueOrDefault("HOME")),
            };
            await BatonMcpServer.RunStdioAsync(backend, options, parse.GetValue(debug), token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}

/// <summary>Stops the hook sender before closing the services it sends through.</summary>
internal sealed class ClosesInOrder(IAsyncDisposable? first, IAsyncDisposable second) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (first is not null) await first.DisposeAsync();
        await second.DisposeAsync();
    }
}
