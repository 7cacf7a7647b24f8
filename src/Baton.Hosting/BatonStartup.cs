using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Local.Diagnostics;
using Baton.Local.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Hosting;

/// <summary>What every process does once before serving anything: the same steps, in the same order, everywhere.</summary>
public static class BatonStartup
{
    /// <summary>
    /// Reads the venture registry file (a broken file stops the start with nothing half done), opens the store and
    /// applies pending migrations, then upserts the registry: the file is the team's source of truth. Only the ventures
    /// that differ from the store are written (<see cref="VentureRegistry.Changed"/>): usually none.
    /// </summary>
    /// <exception cref="VentureFileException">The registry is malformed; the message names file, line and problem.</exception>
    public static async Task<IBatonStore> InitializeAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<BatonOptions>();
        IReadOnlyList<Venture> ventures = options.VenturesFile is { } path && (options.VenturesFileRequired || File.Exists(path))
            ? VentureRegistryFile.Load(path)
            : [];
        StartupTrace.Mark("ventures file read");
        var store = services.GetRequiredService<IBatonStore>();
        await store.InitializeAsync(ct);
        StartupTrace.Mark("store open and migrated");
        if (ventures.Count > 0 && VentureRegistry.Changed(ventures, await store.ListVenturesAsync(ct)) is { Count: > 0 } changed)
            await store.UpsertVenturesAsync(changed, ct);
        StartupTrace.Mark("ventures upserted");
        return store;
    }
}
