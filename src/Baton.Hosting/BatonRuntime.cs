using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Local.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Baton in a process that is not a web server (local-mode CLI verbs, <c>baton mcp</c> in local mode, tests): the
/// container from <see cref="BatonHostingExtensions.AddBaton"/>, started the same way the server starts it —
/// <see cref="BatonStartup.InitializeAsync"/>, then the hosted services. Disposing stops them and closes the store.
/// </summary>
public sealed class BatonRuntime : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _started = [];

    private BatonRuntime(ServiceProvider provider) => _provider = provider;

    public IServiceProvider Services => _provider;

    /// <summary>Makes services for a caller (in local mode: <see cref="Caller.Local"/>).</summary>
    public BatonServices For(Caller caller) => _provider.GetRequiredService<BatonServiceFactory>().For(caller);

    /// <param name="background">
    /// Whether to start the hosted services (the purge timer, the registry watcher). A one-shot CLI verb passes false:
    /// it ends long before any of them would act, and starting and stopping them was a measurable share of its run.
    /// </param>
    public static async Task<BatonRuntime> StartAsync(IServiceCollection services, CancellationToken ct, bool background = true)
    {
        var runtime = new BatonRuntime(services.BuildServiceProvider());
        StartupTrace.Mark("container built");
        try
        {
            await BatonStartup.InitializeAsync(runtime._provider, ct);
            foreach (var hosted in background ? runtime._provider.GetServices<IHostedService>() : Enumerable.Empty<IHostedService>())
            {
                await hosted.StartAsync(ct);
                runtime._started.Add(hosted);
            }
            StartupTrace.Mark("background services started");
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped in reverse, as the generic host does; each stop is awaited even if an earlier one failed.
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try
            {
                await _started[i].StopAsync(CancellationToken.None);
            }
            catch (Exception error)
            {
                // A background service that fails to stop must not keep the store open: say so, go on to the next.
                _provider.GetRequiredService<ILogger<BatonRuntime>>().LogError(error, "{Service} did not stop cleanly", _started[i].GetType().Name);
            }
        }
        _started.Clear();
        await _provider.DisposeAsync();
    }
}
