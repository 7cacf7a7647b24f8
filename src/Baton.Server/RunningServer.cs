using Baton.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Server;

/// <summary>
/// A started server. Stopping drains in-flight requests, stores every queued request-log entry, then closes the store.
/// Stopping twice (or stopping and disposing) is harmless.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lazy<Task> _stop;

    internal RunningServer(WebApplication app, IBatonStore store, Uri baseAddress, string? adminKeyPath)
    {
        _app = app;
        Store = store;
        BaseAddress = baseAddress;
        AdminKeyPath = adminKeyPath;
        _stop = new Lazy<Task>(StopOnceAsync);
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:8765/</c> (the real port when 0 was asked for).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Path of <c>&lt;data-dir&gt;/admin.key</c> when that file exists, else null.</summary>
    public string? AdminKeyPath { get; }

    /// <summary>The open store (for tests and tools running beside the server). Closed by <see cref="StopAsync"/>.</summary>
    public IBatonStore Store { get; }

    public Task StopAsync() => _stop.Value;

    /// <summary>
    /// Applies the venture registry file now (what SIGHUP does to <c>baton serve</c>); the server also notices a changed
    /// file by itself within a few seconds. False when there was nothing to apply or the file did not parse (logged).
    /// </summary>
    public Task<bool> ReloadVenturesAsync(CancellationToken ct) =>
        _app.Services.GetRequiredService<VenturesFileWatcher>().ReloadNowAsync(force: true, ct);

    /// <summary>
    /// Waits until the server is asked to stop (SIGINT/SIGTERM, or <paramref name="ct"/> cancelled), then stops it
    /// cleanly. What <c>baton serve</c> awaits after <see cref="BatonServerHost.StartAsync"/>.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        await _app.WaitForShutdownAsync(ct);
        await StopAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopOnceAsync()
    {
        // Stopping drains requests, then the hosted services (the request log stores what is queued); disposing the
        // app disposes the container, which closes the store.
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
