using System.CommandLine;
using System.Runtime.InteropServices;
using Baton.Core.Storage;
using Baton.Local.Settings;
using Baton.Server;

namespace Baton.Cli.Commands;

/// <summary><c>baton serve</c>: the HTTP API over the store in the data directory, until SIGINT or SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Build(CliRuntime runtime)
    {
        var listen = new Option<string>("--listen") { Description = "host:port to listen on (default 127.0.0.1:8765; port 0 picks a free one). Env BATON_LISTEN." };
        var venturesFile = new Option<string>("--ventures-file") { Description = "Venture registry to load at start (default <data-dir>/ventures.json if present). Env BATON_VENTURES_FILE." };
        var rateLimit = new Option<string>("--rate-limit") { Description = "Requests a minute per key (default 100, 0 = off). Env BATON_RATE_LIMIT." };
        var staleMinutes = new Option<string>("--stale-minutes") { Description = "Minutes without a heartbeat before a session is stale (default 45). Env BATON_STALE_MINUTES." };
        var healthProbeSeconds = new Option<string>("--health-probe-seconds") { Description = "Seconds between probes of agents' health-check URLs (default 30; 0: this server probes nothing). Env BATON_HEALTH_PROBE_SECONDS." };
        var workflowPassSeconds = new Option<string>("--workflow-pass-seconds") { Description = "Seconds between passes of the workflow engine (default 1; 0: this server drives no workflows). Env BATON_WORKFLOW_PASS_SECONDS." };
        var leaseSeconds = new Option<string>("--lease-seconds") { Description = "Seconds a start or renew holds a running task; workers renew every third (default 60). Env BATON_LEASE_SECONDS." };
        var store = new Option<string>("--store") { Description = "sqlite (default: a file in the data directory) or postgres (several replicas may share one database). Env BATON_STORE." };
        var storeUrl = new Option<string>("--store-url") { Description = "PostgreSQL connection string or postgres://user:pass@host/db URL for --store postgres. Env BATON_STORE_URL." };
        var durability = new Option<string>("--durability") { Description = "normal (default: a commit survives a killed process) or full (also power loss, an fsync per commit; SQLite). Env BATON_DURABILITY." };
        var command = new Command("serve", "Run the Baton server on the store in the data directory. On a fresh data directory it writes an admin key " +
                                           "to <data-dir>/admin.key and prints that path (never the key). Stops on Ctrl+C or SIGTERM.");
        foreach (Option option in new Option[] { listen, venturesFile, rateLimit, staleMinutes, healthProbeSeconds, workflowPassSeconds, leaseSeconds, store, storeUrl, durability }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, (settings, token) => ServeAsync(settings, runtime, token), ct));
        return command;
    }

    private static async Task<int> ServeAsync(BatonSettings settings, CliRuntime runtime, CancellationToken ct)
    {
        var options = new ServerOptions
        {
            DataDir = settings.DataDir,
            Listen = settings.Listen,
            VenturesFile = settings.VenturesFile,
            StaleAfter = settings.StaleAfter,
            RateLimitPerMinute = settings.RateLimit,
            HealthProbeInterval = TimeSpan.FromSeconds(settings.HealthProbeSeconds),
            WorkflowPassInterval = TimeSpan.FromSeconds(settings.WorkflowPassSeconds),
            LeaseTtl = TimeSpan.FromSeconds(settings.LeaseSeconds),
            Store = settings.Store,
            StoreUrl = settings.StoreUrl,
            Synchronous = settings.Synchronous,
        };

        // SIGINT and SIGTERM both mean "stop cleanly": cancel instead of letting the runtime end the process, so the
        // store's last group commit and the request log are flushed before exit code 0.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // SIGHUP means "read ventures.json again now" (the server also notices a changed file within seconds).
        RunningServer? running = null;
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            // Not awaited in a signal handler; a failure (the store refusing the upsert) is said on stderr, never lost.
            if (running is { } s)
                _ = s.ReloadVenturesAsync(CancellationToken.None).ContinueWith(
                    t => runtime.Error.WriteLine("baton: ventures.json was not applied: " + t.Exception!.GetBaseException().Message),
                    TaskContinuationOptions.OnlyOnFaulted);
        });

        RunningServer server;
        try
        {
            server = await BatonServerHost.StartAsync(options, runtime.Out, stop.Token);
            running = server;
        }
        catch (ServerOptionsException ex)
        {
            runtime.Error.WriteLine("baton: the server options are not valid:");
            foreach (var problem in ex.Problems) runtime.Error.WriteLine("  - " + problem);
            return ExitCodes.Usage;
        }
        catch (ServerStartException ex)
        {
            // A data directory that takes no writes, a port already taken: one line naming it, no stack trace.
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ExitCodes.Usage;
        }
        catch (StoreUnavailableException ex)
        {
            // The message names the data directory, or the host and database with the password masked, and says what
            // to check. A database server that is down is a failed run (1); a data directory SQLite cannot use is
            // configuration (2), like one that cannot be written at all.
            runtime.Error.WriteLine("baton: " + ex.Message);
            return ex.Failure == StorageFailure.Unreachable ? ExitCodes.Failed : ExitCodes.Usage;
        }

        try
        {
            await server.WaitForShutdownAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A signal: fall through to the orderly stop.
        }
        await server.StopAsync();
        runtime.Out.WriteLine("Baton stopped.");
        return ExitCodes.Ok;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
