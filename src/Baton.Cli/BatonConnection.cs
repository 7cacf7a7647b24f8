using Baton.Client;
using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Hosting;
using Baton.Local.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Cli;

/// <summary>
/// The services a verb calls, in either mode (docs/architecture.md §1): server mode (<c>BATON_URL</c> set) goes through
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
    public IAgentService Agents { get; private init; } = null!;
    public ITaskService Tasks { get; private init; } = null!;
    /// <summary>Hook events in and out: where the outbox's senders (<c>baton hook flush</c>, <c>baton mcp</c>) forward to.</summary>
    public IActivityService Activity { get; private init; } = null!;
    public IClaimService Claims { get; private init; } = null!;
    public Baton.Core.Spend.ISpendService Spend { get; private init; } = null!;
    public Baton.Core.Workflows.IWorkflowService Workflows { get; private init; } = null!;
    public Baton.Core.Workflows.ISprintService Sprints { get; private init; } = null!;

    /// <summary>Local mode: the open store (test seam, to see what the settings reached); null in server mode.</summary>
    internal Baton.Core.Storage.IBatonStore? LocalStore =>
        (_store as BatonRuntime)?.Services.GetRequiredService<Baton.Core.Storage.IBatonStore>();

    /// <summary>The server URL, or <c>local: &lt;db path&gt;</c>.</summary>
    public string Label { get; }

    /// <summary>What <see cref="Label"/> will say once open, worked out without opening anything.</summary>
    public static string LabelOf(BatonSettings settings) =>
        settings.IsServerMode ? BatonHttpClient.BaseOf(new Uri(settings.Url!)).ToString() : StoreOptionsOf(settings).LocalLabel;

    private static StoreOptions StoreOptionsOf(BatonSettings settings) =>
        new() { Kind = settings.Store, Url = settings.StoreUrl, DataDir = settings.DataDir, Synchronous = settings.Synchronous };

    /// <param name="longRunning">
    /// True for a process that keeps the connection open (<c>baton mcp</c>): local mode then runs the store's background
    /// work (the purge timer) too. A verb that answers and exits skips it (<see cref="BatonRuntime.StartAsync"/>).
    /// </param>
    public static async Task<BatonConnection> OpenAsync(BatonSettings settings, CancellationToken ct, bool longRunning = false)
    {
        if (settings.IsServerMode)
        {
            var client = new BatonHttpClient(new BatonClientOptions { BaseAddress = new Uri(settings.Url!), Key = settings.Key });
            return new BatonConnection(client, client, client, client, client, client, client, client.BaseAddress.ToString(), null, client)
            {
                Alerts = client,
                Cadence = client,
                Agents = client,
                Tasks = client,
                Activity = client,
                Claims = client,
                Spend = client,
                Workflows = client,
                Sprints = client,
            };
        }

        var store = StoreOptionsOf(settings);
        var services = new ServiceCollection().AddBaton(
            // The workflow engine runs only in `baton serve` (docs/architecture.md §17): several `baton mcp` processes on
            // one data directory would otherwise each drive the workflows and run gh.
            new BatonOptions { StaleAfter = settings.StaleAfter, ServerLabel = store.LocalLabel, VenturesFile = settings.VenturesFileOrNull(), WorkflowPassInterval = TimeSpan.Zero },
            store);
        // The file is the team's source of truth: local mode applies it on every run, as the server does at start.
        var runtime = await BatonRuntime.StartAsync(services, ct, background: longRunning);
        var local = runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
        return new BatonConnection(local.Sessions, local.Handoffs, local.Ventures, local.Keys, local.Notes, local.Docs,
            local.Machines, store.LocalLabel, runtime, null)
        {
            Alerts = local.Alerts,
            Cadence = local.Cadence,
            Agents = local.Agents,
            Tasks = local.Tasks,
            Activity = local.Activity,
            Claims = local.Claims,
            Spend = local.Spend,
            Workflows = local.Workflows,
            Sprints = local.Sprints,
        };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_store is not null) await _store.DisposeAsync();
    }
}
