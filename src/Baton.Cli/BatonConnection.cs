using Baton.Client;
using Baton.Core.Alerts;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Local.Settings;
using Baton.Storage.Postgres;
using Baton.Storage.Sqlite;

namespace Baton.Cli;

/// <summary>
/// The services a verb calls, in either mode (DESIGN.md §1): server mode (<c>BATON_URL</c> set) goes through
/// <see cref="BatonHttpClient"/> with <c>BATON_KEY</c>; local mode opens the SQLite store in the data directory,
/// loads the venture registry file if there is one, and runs Core's services in-process.
/// </summary>
public sealed class BatonConnection : IAsyncDisposable
{
    private readonly IAsyncDisposable? _store;
    private readonly IDisposable? _client;

    private BatonConnection(ISessionService sessions, IHandoffService handoffs, IVentureService ventures, IKeyService keys,
        INoteService notes, IDocService docs, IMachineService machines, string label, IAsyncDisposable? store, IDisposable? client)
    {
        Sessions = sessions;
        Handoffs = handoffs;
        Ventures = ventures;
        Keys = keys;
        Notes = notes;
        Docs = docs;
        Machines = machines;
        Label = label;
        _store = store;
        _client = client;
    }

    public ISessionService Sessions { get; }
    public IHandoffService Handoffs { get; }
    public IVentureService Ventures { get; }
    public IKeyService Keys { get; }
    public INoteService Notes { get; }
    public IDocService Docs { get; }
    public IMachineService Machines { get; }
    public IAlertService Alerts { get; private init; } = null!;
    public ICadenceService Cadence { get; private init; } = null!;

    /// <summary>The server URL, or <c>local: &lt;db path&gt;</c>.</summary>
    public string Label { get; }

    public static async Task<BatonConnection> OpenAsync(BatonSettings settings, CancellationToken ct)
    {
        if (settings.IsServerMode)
        {
            var client = new BatonHttpClient(new BatonClientOptions { BaseAddress = new Uri(settings.Url!), Key = settings.Key });
            return new BatonConnection(client, client, client, client, client, client, client, client.BaseAddress.ToString(), null, client)
            {
                Alerts = client,
                Cadence = client,
            };
        }

        IBatonStore store = settings.Store == BatonSettings.PostgresStore
            ? PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = settings.StoreUrl! })
            : SqliteBatonStore.Open(SqliteStoreOptions.ForDataDirectory(settings.DataDir));
        try
        {
            await store.InitializeAsync(ct);
            if (settings.VenturesFileOrNull() is { } venturesFile)
            {
                // The file is the team's source of truth: local mode applies it on every run, as the server does at start.
                await store.UpsertVenturesAsync(VentureRegistryFile.Load(venturesFile), ct);
            }
            var label = "local: " + (store is SqliteBatonStore sqlite ? sqlite.DatabasePath : "postgres");
            var core = new BatonCore(store, TimeProvider.System, Random.Shared, new IdGenerator(TimeProvider.System),
                new CoreOptions { StaleAfter = settings.StaleAfter, ServerLabel = label });
            var caller = Caller.Local(IdGenerator.NewCorrelationId());
            var services = BatonServices.For(core, caller);
            return new BatonConnection(services.Sessions, services.Handoffs, services.Ventures, services.Keys, services.Notes, services.Docs,
                services.Machines, label, store, null)
            {
                Alerts = services.Alerts,
                Cadence = services.Cadence,
            };
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_store is not null) await _store.DisposeAsync();
    }
}
