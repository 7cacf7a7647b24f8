using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Requests;
using Baton.Core.Storage;
using Baton.Hosting;
using Baton.Local.Settings;
using Baton.Server.Api;
using Baton.Server.Dashboard;
using Baton.Server.Hosting;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        DataDirectory.EnsureWritable(dataDir);

        var listening = new ListeningGate();
        var app = Build(options, dataDir, address, port, hooks, listening);
        try
        {
            // The registry is read before the store is opened: a broken file stops the start with nothing half done.
            var store = await BatonStartup.InitializeAsync(app.Services, ct);
            var factory = app.Services.GetRequiredService<BatonServiceFactory>();

            // Bind before minting the admin key: a start that cannot listen must leave no admin.key behind (a key
            // file for a server that never ran). Requests arriving before the key exists are simply unauthorised.
            await StartListeningAsync(app, options.Listen, ct);
            listening.Open();
            var adminKeyPath = await AdminKeyFile.EnsureAsync(store, factory, dataDir, output, ct);
            var baseAddress = new Uri(app.Urls.First());
            factory.UseServerLabel(baseAddress.ToString().TrimEnd('/'));
            await output.WriteLineAsync($"Baton listening on {baseAddress}");
            return new RunningServer(app, store, baseAddress, adminKeyPath);
        }
        catch
        {
            // Disposing the app stops what started and disposes the container, which closes the store.
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts Kestrel; a port that cannot be bound is a <see cref="ServerStartException"/> saying which and why.</summary>
    private static async Task StartListeningAsync(WebApplication app, string listen, CancellationToken ct)
    {
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException ex)
        {
            var reason = ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
                ? "the address is already in use (is another baton serve running?)"
                : FirstLine(ex.InnerException?.Message ?? ex.Message);
            throw new ServerStartException($"cannot listen on {listen}: {reason}. Stop what holds it or pass another --listen (BATON_LISTEN).", ex);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new ServerStartException($"cannot listen on {listen}: {FirstLine(ex.Message)}. Pass another --listen (BATON_LISTEN).", ex);
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim().TrimEnd('.');

    private static WebApplication Build(ServerOptions options, string dataDir, System.Net.IPAddress address, int port, ServerHooks hooks, ListeningGate listening)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });

        // Configuration comes from ServerOptions only: an appsettings.json or ASPNETCORE_URLS lying around must not
        // change where or how the server listens.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A start that fails (a port in use) is reported once, in one line, by ServerStartException; the host's own
        // "Hosting failed to start" with its stack trace would bury it. After the start the host logs as usual.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => listening.IsOpen && level >= LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body middleware enforces the limit with a problem answer; Kestrel's own limit is the backstop for
            // anything that reads a body another way.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Listen(address, port);
        });

        var services = builder.Services;
        services.AddSingleton(hooks.Clock);
        if (hooks.GitHub is not null) services.AddSingleton(hooks.GitHub);
        services.AddBaton(
            new BatonOptions
            {
                StaleAfter = options.StaleAfter,
                ServerLabel = $"http://{options.Listen}",
                VenturesFile = options.VenturesFile ?? Path.Combine(dataDir, VentureRegistryFile.DefaultFileName),
                VenturesFileRequired = options.VenturesFile is not null,
                WatchVenturesFile = true,
                RequestLogRetention = options.RequestLogRetention,
                IdempotencyRetention = options.IdempotencyRetention,
                Orchestration = new OrchestrationOptions { HealthProbeInterval = options.HealthProbeInterval, LeaseTtl = options.LeaseTtl },
                WorkflowPassInterval = options.WorkflowPassInterval,
            },
            options.StoreOptions(dataDir));
        if (hooks.WrapStore is not null) services.DecorateStore(hooks.WrapStore);

        services.AddSingleton(options);
        services.AddSingleton(new RequestLimits(options.MaxRequestBodyBytes));
        // A store shared by replicas needs the state replicas must agree on kept in it: revocations (a key cache entry
        // lives one second, so a key revoked through another replica stops working here within that) and rate-limit
        // windows (the store counts). Idempotency records are in the store for every kind already.
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IBatonStore>();
            return new KeyCache(store, sp.GetRequiredService<TimeProvider>(), store.SharedByReplicas ? KeyCache.SharedStoreTimeToLive : KeyCache.TimeToLive);
        });
        services.AddSingleton<IRateLimiter>(sp => sp.GetService<IRateLimitCounter>() is { } shared
            ? new DatabaseRateLimiter(shared, options.RateLimitPerMinute, sp.GetRequiredService<TimeProvider>())
            : new FixedWindowRateLimiter(options.RateLimitPerMinute, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RequestLogWriter>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RequestLogWriter>());
        RequestCaller.Register(services);
        // Request bodies refuse unknown members (a misspelt field is 400 unknown_field, not a silent null).
        services.ConfigureHttpJsonOptions(json => BatonJson.ConfigureForRequests(json.SerializerOptions));
        // Body binding failures are thrown instead of answered with a bare 400, so ErrorMiddleware can name the field.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddOpenApi();

        RemoveContentTypeRouting(services);

        var app = builder.Build();

        // The order is the design: every request gets a correlation id and a log entry, errors become problems,
        // then who is calling, how often, how much they sent, and whether they sent it before.
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseRouting();
        app.UseMiddleware<AuthMiddleware>();
        if (options.RateLimitPerMinute > 0)
            app.UseMiddleware<RateLimitMiddleware>();
        app.UseMiddleware<BodyBufferMiddleware>(options.MaxRequestBodyBytes);
        app.UseMiddleware<IdempotencyMiddleware>(options.IdempotencyRetention);
        // Innermost too: the idempotency layer must see a handler's problem answer, not its exception.
        app.UseMiddleware<ErrorMiddleware>();

        app.MapHealthApi();
        app.MapOpenApi().AddEndpointFilter(OnlyTheV1Document);
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
        app.MapAgentsApi();
        app.MapTasksApi();
        app.MapActivityApi();
        app.MapClaimsApi();
        app.MapSpendApi();
        app.MapWorkflowsApi();
        app.MapSprintsApi();
        app.MapEventsApi();
        Dashboard.DashboardAssets.Map(app);
        app.MapDashboard();
        return app;
    }

    /// <summary>
    /// Routing would pick an endpoint by the request's Content-Type too (a JSON route and a text/plain request give a
    /// bare 415 endpoint instead of the route). Baton decides content types itself, in the body middleware, after
    /// authorization: so routing matches on path and method only, and the 415 is a problem answer like any other.
    /// </summary>
    private static void RemoveContentTypeRouting(IServiceCollection services)
    {
        var policies = services.Where(d => d.ServiceType == typeof(MatcherPolicy)
                                           && d.ImplementationType?.FullName == "Microsoft.AspNetCore.Routing.Matching.AcceptsMatcherPolicy").ToList();
        foreach (var policy in policies) services.Remove(policy);
    }

    /// <summary>The OpenAPI endpoint answers any document name with a text/plain 404; Baton has one document, v1.</summary>
    private static async ValueTask<object?> OnlyTheV1Document(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.RouteValues.TryGetValue("documentName", out var name) && !string.Equals(name as string, "v1", StringComparison.Ordinal))
        {
            await Problems.WriteAsync(http, ErrorCodes.NotFound, "There is no such OpenAPI document; Baton's is /openapi/v1.json.");
            return Results.Empty;
        }
        return await next(context);
    }
}

/// <summary>Set once Kestrel listens: until then the host's own start-failure log is left to ServerStartException.</summary>
internal sealed class ListeningGate
{
    private volatile bool _open;

    public bool IsOpen => _open;

    public void Open() => _open = true;
}

/// <summary>Test seams: a fake clock, and a wrapper around the store (to slow it down or count calls).</summary>
internal sealed class ServerHooks
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public Func<IBatonStore, IBatonStore>? WrapStore { get; init; }

    /// <summary>GitHub for workflows and sprints (a fake gh in tests); null: the gh on PATH.</summary>
    public Baton.Core.Workflows.IGitHub? GitHub { get; init; }
}
