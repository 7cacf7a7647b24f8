using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Changes;
using Baton.Core.Briefing;
using Baton.Core.Claims;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Spend;
using Baton.Core.Ventures;
using Baton.Core.Workflows;


namespace Baton.Core.Storage;

/// <summary>
/// The storage port. Every store (embedded SQLite, PostgreSQL) implements it and passes the one contract suite in
/// <c>tests/Baton.Storage.Contract</c>. Methods that change several rows do so atomically; a write that returned has
/// committed (the SQLite store answers each caller only after its group commit).
/// Time is always passed in, never read from a clock here, so rules stay testable.
/// Services never take this aggregate: each feature's service takes its own narrow port (<see cref="ISessionStore"/>,
/// <see cref="IHandoffStore"/>, …), and the composition root hands the one store in as each of them.
/// </summary>
public interface IBatonStore : IVentureStore, IKeyStore, ISessionStore, IHandoffStore, IKnowledgeStore, IFleetStore, IAlertStore, IRequestStore, IOrchestrationStore, IActivityStore, IClaimStore, ISpendStore, IBriefingSourceStore, IWorkflowStore, IChangeStore, IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres"; shown by <c>/healthz</c> and the briefing header.</summary>
    string Kind { get; }

    /// <summary>
    /// True when several servers may share this store (PostgreSQL): state the replicas must agree on (rate-limit
    /// windows, key revocations) then has to be read from the store rather than kept in one process.
    /// </summary>
    bool SharedByReplicas { get; }

    /// <summary>Applies pending migrations (in a transaction, recorded) and prepares connections. Call once at start.</summary>
    Task InitializeAsync(CancellationToken ct);
}
