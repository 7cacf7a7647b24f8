using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Application;
using Baton.Core.Briefing;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Baton.Hosting;

/// <summary>The one composition root (docs/architecture.md §2): what every process of Baton registers.</summary>
public static class BatonHostingExtensions
{
    /// <summary>
    /// Validates <paramref name="options"/> and <paramref name="store"/> (every problem at once, or
    /// <see cref="BatonOptionsException"/>), then registers: the clock and randomness (unless the caller registered its
    /// own, as tests do), ids, the chosen store as <see cref="IBatonStore"/> and as each feature's narrow port, the
    /// <see cref="BatonServiceFactory"/> that makes services per caller, and the background work. Nothing is opened
    /// here: <see cref="BatonStartup.InitializeAsync"/> opens the store and applies the venture registry.
    /// </summary>
    public static IServiceCollection AddBaton(this IServiceCollection services, BatonOptions options, StoreOptions store)
    {
        var problems = options.Validate().Concat(store.Validate()).ToList();
        if (problems.Count > 0) throw new BatonOptionsException(problems);

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        // Random.Shared: the core draws heartbeat jitter from many requests at once, and it is the thread-safe one.
        services.TryAddSingleton(Random.Shared);
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BatonCore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Random>(), sp.GetRequiredService<IdGenerator>(),
            new CoreOptions { StaleAfter = options.StaleAfter, ServerLabel = options.ServerLabel }));

        store.Register(services);
        // One store, handed to each feature as the narrow port it uses.
        services.AddSingleton<IVentureStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IHandoffStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IKnowledgeStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IFleetStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IAlertStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IRequestStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IOrchestrationStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IActivityStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton(options.Orchestration);
        services.AddSingleton<OrchestrationSignals>();
        services.AddSingleton<IBriefingSourceStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<IClaimStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<Baton.Core.Spend.ISpendStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<Baton.Core.Workflows.IWorkflowStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<Baton.Core.Changes.IChangeStore>(sp => sp.GetRequiredService<IBatonStore>());
        services.AddSingleton<ChangeHub>();
        // GitHub through the gh on PATH, once per process (workflows, sprints, the engine); tests register their own first.
        services.TryAddSingleton<Baton.Core.Workflows.IGitHub>(_ => new Baton.Local.GitHub.GitHubCli("gh"));
        services.TryAddSingleton<Baton.Core.Workflows.ISmokeChecker>(_ => new Baton.Local.GitHub.HttpSmokeChecker());
        services.AddSingleton<BatonServiceFactory>();

        services.AddSingleton<IHostedService, PurgeService>();
        services.AddSingleton<IHostedService, DispatchService>();
        services.AddSingleton<IHostedService, AssignmentFeedService>();
        services.AddSingleton<IHostedService, HealthProbeService>();
        services.AddSingleton<IHostedService, WorkflowDriverService>();
        services.AddSingleton<IHostedService, ChangeFeedService>();
        if (options.WatchVenturesFile && options.VenturesFile is not null)
        {
            services.AddSingleton<VenturesFileWatcher>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<VenturesFileWatcher>());
        }
        return services;
    }

    /// <summary>
    /// Wraps the registered store (a test seam: slow it down, count calls, fail on demand). Call after
    /// <see cref="AddBaton"/>; every port then reaches the wrapper.
    /// </summary>
    public static IServiceCollection DecorateStore(this IServiceCollection services, Func<IBatonStore, IBatonStore> wrap)
    {
        var inner = services.Last(d => d.ServiceType == typeof(IBatonStore));
        var innerFactory = inner.ImplementationFactory ?? throw new InvalidOperationException("The store is registered by a factory (AddSqliteStore/AddPostgresStore).");
        services.Remove(inner);
        services.AddSingleton<IBatonStore>(sp => wrap((IBatonStore)innerFactory(sp)));
        return services;
    }
}
