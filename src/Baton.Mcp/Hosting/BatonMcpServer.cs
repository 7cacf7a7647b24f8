using Baton.Mcp.Prompts;
using Baton.Mcp.Tools;
using Baton.Local.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Hosting;

/// <summary>Wires Baton's MCP tools and prompts, and runs the server over stdio for <c>baton mcp</c>.</summary>
public static class BatonMcpServer
{
    /// <summary>The tools of <c>--tools core</c>: enough to start, work and hand off, for teams keeping tool definitions small.</summary>
    /// <c>waiting</c> is among them: one small read that tells an agent which peers are stuck on a human, and costs one
    /// short tool definition (docs/architecture.md §15).
    public static readonly IReadOnlyList<string> CoreTools = ["sod", "handoff", "heartbeat", "context", "doc", "notes", "status", "waiting"];

    /// <summary>Every tool of <c>--tools all</c> (the default).</summary>
    public static readonly IReadOnlyList<string> AllTools =
        [.. CoreTools, "preflight", "ventures", "plan", "doc_audit", "note", "create_issue", "task_create", "tasks", "task_status", "claim", "release", "claims", "spend", "project_status"];

    /// <summary>
    /// Registers the services, tools and prompts. The transport is the caller's: stdio for the real process, a stream
    /// pair in tests. The tool classes are split so each set is whole classes: core ones always, the rest with <see cref="ToolSet.All"/>.
    /// </summary>
    public static IMcpServerBuilder AddBatonMcp(this IServiceCollection services, BatonBackend backend, BatonMcpOptions options, TimeProvider clock) =>
        services.AddBatonMcp(BackendSource.Of(backend), options, clock);

    /// <summary>
    /// As <see cref="AddBatonMcp(IServiceCollection, BatonBackend, BatonMcpOptions, TimeProvider)"/>, with a backend
    /// opened at the first tool call (<see cref="BackendSource"/>). The caller owns <paramref name="backend"/> and disposes it.
    /// </summary>
    public static IMcpServerBuilder AddBatonMcp(this IServiceCollection services, BackendSource backend, BatonMcpOptions options, TimeProvider clock)
    {
        services.AddSingleton(backend);
        services.AddSingleton(options);
        services.AddSingleton(clock);
        services.AddSingleton<SessionMemory>();
        services.AddSingleton<ToolContext>();

        var builder = services.AddMcpServer(server =>
        {
            server.ServerInfo = new Implementation { Name = "baton", Version = typeof(BatonMcpServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };
            server.ServerInstructions =
                "Baton keeps this agent session's context and coordination. Call `sod` first (it remembers the session), " +
                "`heartbeat` when it says the next one is due, and `handoff` with end_session=true when you finish.";
        });
        builder.WithTools<SessionTools>().WithTools<KnowledgeTools>().WithTools<WorkQueueTools>().WithTools<ActivityTools>();
        if (options.Tools == ToolSet.All)
        {
            builder.WithTools<SetupTools>().WithTools<KnowledgeEditTools>().WithTools<IssueTools>().WithTools<TaskTools>().WithTools<ClaimTools>().WithTools<SpendTools>().WithTools<WorkflowTools>();
        }
        builder.WithPrompts<SessionPrompts>();
        return builder;
    }

    /// <summary>
    /// Serves MCP on this process's stdin/stdout until the client closes stdin (once every request read before has its
    /// answer) or <paramref name="ct"/> is cancelled. stdout carries JSON-RPC only: every log line goes to stderr
    /// (warnings and up, everything with <paramref name="debug"/>).
    /// </summary>
    public static async Task RunStdioAsync(BackendSource backend, BatonMcpOptions options, bool debug, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddProvider(new StderrLoggerProvider(Console.Error));
            logging.SetMinimumLevel(debug ? LogLevel.Debug : LogLevel.Warning);
            // The SDK logs a cancelled request handler as a failure with its stack trace, and the end of input cancels
            // the `subscriptions/listen` every 2026-07-28 client keeps open: without --debug, only its errors.
            if (!debug) logging.AddFilter("ModelContextProtocol.Server.McpServer", LogLevel.Error);
        });
        services.AddBatonMcp(backend, options, TimeProvider.System);
        // The handshake is done: open the backend now, in the background, so the first tool call finds it open.
        services.Configure<McpServerOptions>(server =>
        {
            var warm = new KeyValuePair<string, Func<JsonRpcNotification, CancellationToken, ValueTask>>(
                NotificationMethods.InitializedNotification, (_, _) =>
                {
                    backend.Warm();
                    return ValueTask.CompletedTask;
                });
            server.Handlers.NotificationHandlers = server.Handlers.NotificationHandlers is { } existing ? [.. existing, warm] : [warm];
        });

        // No generic host: nothing here needs its configuration sources or hosted services, and the agent CLI waits on
        // our start-up (the `initialize` answer) every time it launches.
        await using var provider = services.BuildServiceProvider();
        StartupTrace.Mark("mcp services built");
        await ServeLinesAsync(provider, Console.OpenStandardInput(), Console.OpenStandardOutput(), ct);
    }

    /// <summary>
    /// Serves the MCP server registered in <paramref name="services"/> over line-delimited JSON-RPC (<see cref="JsonRpcLineTransport"/>)
    /// until the input ends and every answer owed is written, or <paramref name="ct"/> is cancelled. The end of input
    /// ends the server whatever requests are still open: a client that closed stdin is gone, and an open
    /// <c>subscriptions/listen</c> (which every 2026-07-28 client keeps) must not leave the process running.
    /// </summary>
    public static async Task ServeLinesAsync(IServiceProvider services, Stream input, Stream output, CancellationToken ct)
    {
        var loggers = services.GetService<ILoggerFactory>();
        await using var transport = new JsonRpcLineTransport(input, output, loggers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        StartupTrace.Mark("mcp transport open");
        var options = services.GetRequiredService<IOptions<McpServerOptions>>().Value;
        StartupTrace.Mark("mcp options and tools built");
        await using var server = McpServer.Create(transport, options, loggers, services);
        StartupTrace.Mark("mcp server created");
        var run = server.RunAsync(stop.Token);
        if (await Task.WhenAny(run, transport.InputDrained) != run) await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping is what the end of input (or the caller) asked for.
        }
    }
}
