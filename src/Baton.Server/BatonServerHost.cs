using Baton.Core.Common;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Local.Settings;
using Baton.Server.Api;
using Baton.Server.Hosting;
using Baton.Server.Http;
using Baton.Storage.Postgres;
using Baton.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Server;

/// <summary>Starts the Baton HTTP server: what <c>baton serve</c> and the integration tests call.</summary>
public static class BatonServerHost
{
    /// <summary>
    /// Validates <paramref name="options"/>, opens the store in the data directory and applies migrations, loads and
    /// upserts the venture registry, mints the first admin key on a fresh data directory (writing only its path to
    /// <paramref name="output"/>), and starts Kestrel. Returns once the server is listening.
    /// </summary>
    /// <exception cref="ServerOptionsException">The options are not usable; the message lists every problem.</exception>
    /// <exception cref="VentureFileException">The venture registry is malformed; the message names file, line and problem.</exception>
    public static Task<RunningServer> StartAsync(ServerOptions options, TextWriter output, CancellationToken ct) =>
        StartWithHooksAsync(options, output, new ServerHooks(), ct);

    internal static async Task<RunningServer> StartWithHooksAsync(ServerOptions options, TextWriter output, ServerHooks hooks, CancellationToken ct)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ServerOptionsException(problems);
        ServerOptions.TryParseListen(options.Listen, out var address, out var port);

        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);

        // The registry is read before anything is opened: a broken file stops the start with nothing half done.
        var venturesPath = options.VenturesFile ?? DefaultVenturesFileOrNull(dataDir);
        IReadOnlyList<Venture> ventures = venturesPath is null ? [] : VentureRegistryFile.Load(venturesPath);

        var clock = hooks.Clock;
        IBatonStore store = OpenStore(options, dataDir);
        // A store shared by replicas needs the state replicas must agree on kept in it: rate-limit windows (the
        // database counts), and revocations (a key cache entry lives one second, so a key revoked through another
        // replica stops working here within that). Idempotency records are in the store for every kind already.
        var shared = store is PostgresBatonStore;
        try
        {
            await store.InitializeAsync(ct);
            if (ventures.Count > 0) await store.UpsertVenturesAsync(ventures, ct);
            if (hooks.WrapStore is not null) store = hooks.WrapStore(store);

            // Random.Shared: the core draws heartbeat jitter from many requests at once, and it is the thread-safe one.
            var core = new BatonCore(store, clock, Random.Shared, new IdGenerator(clock), CoreOptionsFor(options, $"http://{options.Listen}"));
            var adminKeyPath = await AdminKeyFile.EnsureAsync(core, dataDir, output, ct);

            var state = new ServerState(core, new KeyCache(store, clock, shared ? KeyCache.SharedStoreTimeToLive : KeyCache.TimeToLive));
            IRateLimiter? limiter = options.RateLimitPerMinute <= 0 ? null
                : store is PostgresBatonStore postgres ? new DatabaseRateLimiter(postgres, options.RateLimitPerMinute, clock)
                : new FixedWindowRateLimiter(options.RateLimitPerMinute, clock);
            var (app, requestLog) = Build(options, address, port, store, state, limiter, clock);
            try
            {
                await app.StartAsync(ct);
            }
            catch
            {
                await requestLog.DisposeAsync();
                await app.DisposeAsync();
                throw;
            }

            var baseAddress = new Uri(app.Urls.First());
            state.Core = core with { Options = CoreOptionsFor(options, baseAddress.ToString().TrimEnd('/')) };
            await output.WriteLineAsync($"Baton listening on {baseAddress}");
            return new RunningServer(app, store, requestLog, baseAddress, adminKeyPath);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static IBatonStore OpenStore(ServerOptions options, string dataDir) => options.Store == "postgres"
        ? PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = options.StoreUrl! })
        : SqliteBatonStore.Open(new SqliteStoreOptions
        {
            DatabasePath = Path.Combine(dataDir, SqliteStoreOptions.FileName),
            Synchronous = options.Synchronous.ToUpperInvariant(),
        });

    private static string? DefaultVenturesFileOrNull(string dataDir)
    {
        var path = Path.Combine(dataDir, VentureRegistryFile.DefaultFileName);
        return File.Exists(path) ? path : null;
    }

    private static CoreOptions CoreOptionsFor(ServerOptions options, string serverLabel) =>
        new() { StaleAfter = options.StaleAfter, ServerLabel = serverLabel };

    private static (WebApplication App, RequestLogWriter RequestLog) Build(
        ServerOptions options, System.Net.IPAddress address, int port, IBatonStore store, ServerState state, IRateLimiter? limiter,
        TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });

        // Configuration comes from ServerOptions only: an appsettings.json or ASPNETCORE_URLS lying around must not
        // change where or how the server listens.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body middleware enforces the limit with a problem answer; Kestrel's own limit is the backstop for
            // anything that reads a body another way.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(address, port);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(state);
        services.ConfigureHttpJsonOptions(json => BatonJson.Configure(json.SerializerOptions));
        // Body binding failures are thrown instead of answered with a bare 400, so ErrorMiddleware can name the field.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddOpenApi();

        var app = builder.Build();
        var requestLog = new RequestLogWriter(store, clock, options.RequestLogRetention, app.Services.GetRequiredService<ILogger<RequestLogWriter>>());

        // The order is the design: every request gets a correlation id and a log entry, errors become problems,
        // then who is calling, how often, how much they sent, and whether they sent it before.
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<RequestLogMiddleware>(requestLog, clock);
        app.UseMiddleware<ErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<AuthMiddleware>(state.Keys);
        if (limiter is not null)
            app.UseMiddleware<RateLimitMiddleware>(limiter);
        app.UseMiddleware<BodyBufferMiddleware>(options.MaxRequestBodyBytes);
        app.UseMiddleware<IdempotencyMiddleware>(store, clock, options.IdempotencyRetention);
        // Innermost too: the idempotency layer must see a handler's problem answer, not its exception.
        app.UseMiddleware<ErrorMiddleware>();

        app.MapHealthApi();
        app.MapOpenApi();
        app.MapSessionsApi();
        app.MapHandoffsApi();
        app.MapVenturesApi();
        app.MapKeysApi();
        app.MapNotesApi();
        app.MapDocsApi();
        app.MapDocRequirementsApi();
        app.MapAlertsApi();
        app.MapCadenceApi();
        app.MapWebhooksApi();
        app.MapVersionApi();
        app.MapMachinesApi();
        return (app, requestLog);
    }
}

/// <summary>Test seams: a fake clock, and a wrapper around the store (to slow it down or count calls).</summary>
internal sealed class ServerHooks
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public Func<IBatonStore, IBatonStore>? WrapStore { get; init; }
}
