using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Changes;
using Baton.Core.Briefing;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Core.Workflows;


namespace Baton.Server.Tests.Support;

/// <summary>Passes every call to the real store; tests override the one call they need to observe or slow down.</summary>
internal class DelegatingStore(IBatonStore inner) : IBatonStore
{
    public string Kind => inner.Kind;
    public bool SharedByReplicas => inner.SharedByReplicas;
    public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);
    public virtual Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct) => inner.UpsertVenturesAsync(ventures, ct);
    public Task<Venture?> FindVentureOrNullAsync(string code, CancellationToken ct) => inner.FindVentureOrNullAsync(code, ct);
    public Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) => inner.ListVenturesAsync(ct);
    public Task<ApiKey> InsertApiKeyAsync(ApiKey key, CancellationToken ct) => inner.InsertApiKeyAsync(key, ct);
    public virtual Task<ApiKey?> FindApiKeyByHashOrNullAsync(string keyHash, CancellationToken ct) => inner.FindApiKeyByHashOrNullAsync(keyHash, ct);
    public Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken ct) => inner.ListApiKeysAsync(ct);
    public Task<ApiKey?> RevokeApiKeyAsync(string id, DateTimeOffset now, CancellationToken ct) => inner.RevokeApiKeyAsync(id, now, ct);
    public Task<bool> AnyAdminKeyAsync(CancellationToken ct) => inner.AnyAdminKeyAsync(ct);
    public virtual Task<SodOutcome> StartOrResumeSessionAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.StartOrResumeSessionAsync(candidate, now, staleAfter, ct);
    public Task<bool> SessionExistsAsync(string sessionId, CancellationToken ct) => inner.SessionExistsAsync(sessionId, ct);
    public Task<Session?> FindSessionOrNullAsync(string id, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.FindSessionOrNullAsync(id, now, staleAfter, ct);
    public Task<TouchOutcome> TouchSessionAsync(string id, SessionUpdate? update, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.TouchSessionAsync(id, update, now, staleAfter, ct);
    public Task<EodOutcome> EndSessionAsync(string sessionId, Handoff handoff, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.EndSessionAsync(sessionId, handoff, now, staleAfter, ct);
    public Task<Page<Session>> ListSessionsAsync(SessionQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.ListSessionsAsync(query, now, staleAfter, ct);
    public virtual Task<Handoff> InsertHandoffAsync(Handoff handoff, CancellationToken ct) => inner.InsertHandoffAsync(handoff, ct);
    public Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct) => inner.FindHandoffOrNullAsync(id, ct);
    public Task<Handoff?> InsertDraftHandoffAsync(Handoff draft, CancellationToken ct) => inner.InsertDraftHandoffAsync(draft, ct);
    public Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct) => inner.ListHandoffsAsync(query, ct);
    public Task<IdempotencyRecord?> FindIdempotencyAsync(IdempotencyKey key, DateTimeOffset now, CancellationToken ct) => inner.FindIdempotencyAsync(key, now, ct);
    public virtual Task CompleteIdempotencyAsync(IdempotencyScope scope, StoredResponse response, CancellationToken ct) => inner.CompleteIdempotencyAsync(scope, response, ct);
    public Task AppendRequestLogAsync(IReadOnlyList<RequestLogEntry> entries, CancellationToken ct) => inner.AppendRequestLogAsync(entries, ct);
    public Task<IReadOnlyList<RequestLogEntry>> ListRequestLogAsync(string? correlationId, int limit, CancellationToken ct) =>
        inner.ListRequestLogAsync(correlationId, limit, ct);
    public Task<int> PurgeAsync(DateTimeOffset logBefore, DateTimeOffset now, CancellationToken ct) => inner.PurgeAsync(logBefore, now, ct);
    public Task<Note> InsertNoteAsync(Note note, CancellationToken ct) => inner.InsertNoteAsync(note, ct);
    public Task<Note?> FindNoteOrNullAsync(string id, CancellationToken ct) => inner.FindNoteOrNullAsync(id, ct);
    public Task<Note?> UpdateNoteAsync(string id, string? title, string? content, IReadOnlyList<string>? tags, DateTimeOffset now, CancellationToken ct) =>
        inner.UpdateNoteAsync(id, title, content, tags, now, ct);
    public Task<Note?> SetNoteArchivedAsync(string id, bool archived, DateTimeOffset now, CancellationToken ct) => inner.SetNoteArchivedAsync(id, archived, now, ct);
    public Task<Page<NoteHit>> SearchNotesAsync(NoteQuery query, CancellationToken ct) => inner.SearchNotesAsync(query, ct);
    public Task<DocPut> PutDocAsync(Doc candidate, CancellationToken ct) => inner.PutDocAsync(candidate, ct);
    public Task<Doc?> FindDocOrNullAsync(string scope, string name, int? version, CancellationToken ct) => inner.FindDocOrNullAsync(scope, name, version, ct);
    public Task<IReadOnlyList<DocSummary>> ListDocsAsync(IReadOnlyList<string> scopes, CancellationToken ct) => inner.ListDocsAsync(scopes, ct);
    public Task<IReadOnlyList<DocRequirement>> ListDocRequirementsAsync(CancellationToken ct) => inner.ListDocRequirementsAsync(ct);
    public Task<DocRequirement?> FindDocRequirementOrNullAsync(string id, CancellationToken ct) => inner.FindDocRequirementOrNullAsync(id, ct);
    public Task<DocRequirement> UpsertDocRequirementAsync(DocRequirement requirement, CancellationToken ct) => inner.UpsertDocRequirementAsync(requirement, ct);
    public Task<bool> DeleteDocRequirementAsync(string id, CancellationToken ct) => inner.DeleteDocRequirementAsync(id, ct);
    public Task<AlertChange> ApplyAlertSignalAsync(AlertSignal signal, CancellationToken ct) => inner.ApplyAlertSignalAsync(signal, ct);
    public Task<Alert?> FindAlertOrNullAsync(string id, CancellationToken ct) => inner.FindAlertOrNullAsync(id, ct);
    public Task<Alert?> ResolveAlertAsync(string id, DateTimeOffset now, string resolvedBy, string reason, CancellationToken ct) =>
        inner.ResolveAlertAsync(id, now, resolvedBy, reason, ct);
    public Task<Page<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct) => inner.ListAlertsAsync(query, ct);
    public Task<WebhookOutcome> RecordWebhookDeliveryAsync(WebhookDelivery delivery, AlertSignal? signal, CancellationToken ct) =>
        inner.RecordWebhookDeliveryAsync(delivery, signal, ct);
    public Task<string?> FindRepoDefaultBranchOrNullAsync(string repo, CancellationToken ct) => inner.FindRepoDefaultBranchOrNullAsync(repo, ct);
    public Task<WebhookStats> GetWebhookStatsAsync(string? venture, CancellationToken ct) => inner.GetWebhookStatsAsync(venture, ct);
    public Task SetWebhookSecretAsync(string secret, DateTimeOffset now, CancellationToken ct) => inner.SetWebhookSecretAsync(secret, now, ct);
    public Task<string?> FindWebhookSecretOrNullAsync(CancellationToken ct) => inner.FindWebhookSecretOrNullAsync(ct);
    public Task<CadenceItem> InsertCadenceItemAsync(CadenceItem item, CancellationToken ct) => inner.InsertCadenceItemAsync(item, ct);
    public Task<CadenceItem?> FindCadenceItemOrNullAsync(string id, CancellationToken ct) => inner.FindCadenceItemOrNullAsync(id, ct);
    public Task<CadenceItem?> MarkCadenceDoneAsync(string id, DateTimeOffset now, string doneBy, CancellationToken ct) =>
        inner.MarkCadenceDoneAsync(id, now, doneBy, ct);
    public Task<IReadOnlyList<CadenceItem>> ListCadenceItemsAsync(IReadOnlyList<string>? scopes, CancellationToken ct) => inner.ListCadenceItemsAsync(scopes, ct);
    public virtual Task<SchemaCheck> CheckSchemaAsync(CancellationToken ct) => inner.CheckSchemaAsync(ct);
    public Task<BriefingSources> ReadBriefingSourcesAsync(BriefingSourceQuery query, CancellationToken ct) => inner.ReadBriefingSourcesAsync(query, ct);
    public Task<SodStart> StartOrResumeSessionAndReadBriefingAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter, BriefingSourceQuery query,
        CancellationToken ct) => inner.StartOrResumeSessionAndReadBriefingAsync(candidate, now, staleAfter, query, ct);
    public Task<MachineUpsert> UpsertMachineAsync(Machine candidate, CancellationToken ct) => inner.UpsertMachineAsync(candidate, ct);
    public Task<Machine?> FindMachineOrNullAsync(string id, CancellationToken ct) => inner.FindMachineOrNullAsync(id, ct);
    public Task<Machine?> TouchMachineAsync(string id, DateTimeOffset now, CancellationToken ct) => inner.TouchMachineAsync(id, now, ct);
    public Task<Page<Machine>> ListMachinesAsync(PageRequest page, CancellationToken ct) => inner.ListMachinesAsync(page, ct);
    public virtual Task<IReadOnlyList<RecordedEvent>> RecordEventsAsync(IReadOnlyList<PendingHookEvent> events, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) =>
        inner.RecordEventsAsync(events, now, staleAfter, ct);
    public Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, PageRequest page, CancellationToken ct) => inner.ListSessionEventsAsync(sessionId, page, ct);
    public Task<Page<WaitingSession>> ListWaitingAsync(WaitingQuery query, CancellationToken ct) => inner.ListWaitingAsync(query, ct);

    public Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, string? venture, CancellationToken ct) =>
        inner.LatestSessionEventsAsync(sessionIds, venture, ct);
    public Task<int> PurgeEventsAsync(DateTimeOffset before, CancellationToken ct) => inner.PurgeEventsAsync(before, ct);
    public Task<IReadOnlyList<Change>> ReadChangesAsync(long afterSeq, int limit, CancellationToken ct) => inner.ReadChangesAsync(afterSeq, limit, ct);
    public Task<long> LatestChangeSeqAsync(CancellationToken ct) => inner.LatestChangeSeqAsync(ct);
    public Task<int> PurgeChangesAsync(DateTimeOffset before, CancellationToken ct) => inner.PurgeChangesAsync(before, ct);
    public Task<IAsyncDisposable> ListenForChangesAsync(Action onChanged, CancellationToken ct) => inner.ListenForChangesAsync(onChanged, ct);
    public Task<AgentUpsert> UpsertAgentAsync(Agent candidate, CancellationToken ct) => inner.UpsertAgentAsync(candidate, ct);
    public Task<Agent?> FindAgentOrNullAsync(string id, CancellationToken ct) => inner.FindAgentOrNullAsync(id, ct);
    public Task<Agent?> FindAgentByNameOrNullAsync(string name, CancellationToken ct) => inner.FindAgentByNameOrNullAsync(name, ct);
    public Task<AgentTouch?> TouchAgentAsync(string id, DateTimeOffset now, CancellationToken ct) => inner.TouchAgentAsync(id, now, ct);
    public Task<Agent?> SetAgentPauseAsync(string id, DateTimeOffset? until, string? reason, DateTimeOffset now, CancellationToken ct) => inner.SetAgentPauseAsync(id, until, reason, now, ct);
    public Task<AgentRemoval?> RemoveAgentAsync(string id, DateTimeOffset now, string actor, CancellationToken ct) => inner.RemoveAgentAsync(id, now, actor, ct);
    public Task<Page<Agent>> ListAgentsAsync(AgentQuery query, CancellationToken ct) => inner.ListAgentsAsync(query, ct);
    public Task<Agent?> RecordHealthAsync(string agentId, HealthResult result, CancellationToken ct) => inner.RecordHealthAsync(agentId, result, ct);
    public Task<IReadOnlyDictionary<string, AgentLoad>> GetAgentLoadsAsync(IReadOnlyList<string> agentIds, CancellationToken ct) => inner.GetAgentLoadsAsync(agentIds, ct);
    public Task<IReadOnlyList<ResultHistory>> ListResultHistoryAsync(IReadOnlyList<string> agentIds, int perCapability, CancellationToken ct) => inner.ListResultHistoryAsync(agentIds, perCapability, ct);
    public Task<HealthProbeRound> RunHealthProbesAsync(DateTimeOffset now, TimeSpan interval,
        Func<IReadOnlyList<HealthProbe>, CancellationToken, Task<IReadOnlyList<ProbedHealth>>> probe, CancellationToken ct) =>
        inner.RunHealthProbesAsync(now, interval, probe, ct);
    public Task<RepoContext> UpsertContextAsync(RepoContext context, CancellationToken ct) => inner.UpsertContextAsync(context, ct);
    public Task<IReadOnlyList<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct) => inner.ListContextsAsync(machineId, repo, ct);
    public Task<BatonTask> InsertTaskAsync(BatonTask draft, string actor, CancellationToken ct) => inner.InsertTaskAsync(draft, actor, ct);
    public Task<BatonTask?> FindTaskOrNullAsync(string id, CancellationToken ct) => inner.FindTaskOrNullAsync(id, ct);
    public Task<IReadOnlyList<BatonTask>> FindTasksAsync(IReadOnlyList<string> ids, CancellationToken ct) => inner.FindTasksAsync(ids, ct);
    public Task<Page<BatonTask>> ListTasksAsync(TaskQuery query, CancellationToken ct) => inner.ListTasksAsync(query, ct);
    public Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct) => inner.CountTasksAsync(venture, ct);
    public Task<ClaimOutcome> InsertClaimAsync(Claim candidate, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) => inner.InsertClaimAsync(candidate, now, staleAfter, ct);
    public Task<Claim?> FindClaimOrNullAsync(string id, CancellationToken ct) => inner.FindClaimOrNullAsync(id, ct);
    public Task<Claim?> ReleaseClaimAsync(string id, DateTimeOffset now, CancellationToken ct) => inner.ReleaseClaimAsync(id, now, ct);
    public Task<Page<Claim>> ListClaimsAsync(ClaimQuery query, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) => inner.ListClaimsAsync(query, now, staleAfter, ct);
    public virtual Task<Baton.Core.Spend.SpendSums> SumSpendAsync(Baton.Core.Spend.SpendQuery query, CancellationToken ct) => inner.SumSpendAsync(query, ct);
    public Task<IReadOnlyList<Claim>> ListHeldClaimsAsync(string venture, string repo, DateTimeOffset now, TimeSpan staleAfter, CancellationToken ct) => inner.ListHeldClaimsAsync(venture, repo, now, staleAfter, ct);
    public Task<IReadOnlyList<TaskEvent>> ListTaskEventsAsync(string taskId, CancellationToken ct) => inner.ListTaskEventsAsync(taskId, ct);
    public Task<IReadOnlyList<TaskResult>> ListTaskResultsAsync(string taskId, CancellationToken ct) => inner.ListTaskResultsAsync(taskId, ct);
    public Task<IReadOnlyList<Baton.Core.Orchestration.Supervision.TaskReview>> ListTaskReviewsAsync(string taskId, CancellationToken ct) => inner.ListTaskReviewsAsync(taskId, ct);
    public Task<IReadOnlyDictionary<string, Baton.Core.Orchestration.Supervision.ReviewVerdict>> LatestVerdictsAsync(IReadOnlyList<string> taskIds, CancellationToken ct) => inner.LatestVerdictsAsync(taskIds, ct);
    public Task<IReadOnlyList<BatonTask>> ListAssignedTasksAsync(string agentId, string? venture, CancellationToken ct) => inner.ListAssignedTasksAsync(agentId, venture, ct);
    public Task<bool> AnyLeaseExpiredAsync(DateTimeOffset now, CancellationToken ct) => inner.AnyLeaseExpiredAsync(now, ct);
    public Task<SweepOutcome> SweepAsync(DateTimeOffset now, Random random, CancellationToken ct) => inner.SweepAsync(now, random, ct);
    public Task<DispatchOutcome> DispatchAsync(DispatchPass pass, CancellationToken ct) => inner.DispatchAsync(pass, ct);
    public Task<PassOutcome> SweepAndDispatchAsync(DispatchPass pass, Random random, CancellationToken ct) => inner.SweepAndDispatchAsync(pass, random, ct);
    public Task<LeaseOutcome> StartTaskAsync(LeaseCall call, CancellationToken ct) => inner.StartTaskAsync(call, ct);
    public Task<LeaseOutcome> RenewTaskAsync(LeaseCall call, CancellationToken ct) => inner.RenewTaskAsync(call, ct);
    public Task<LeaseOutcome> FinishTaskAsync(LeaseCall call, AttemptOutcome outcome, CancellationToken ct) => inner.FinishTaskAsync(call, outcome, ct);
    public Task<ChangeOutcome> CancelTaskAsync(string id, DateTimeOffset now, string actor, string reason, CancellationToken ct) => inner.CancelTaskAsync(id, now, actor, reason, ct);
    public Task<ChangeOutcome> RetryTaskAsync(string id, int extraAttempts, DateTimeOffset now, string actor, CancellationToken ct) => inner.RetryTaskAsync(id, extraAttempts, now, actor, ct);
    public Task InsertWorkflowAsync(Workflow workflow, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct) => inner.InsertWorkflowAsync(workflow, events, effects, ct);
    public Task<Workflow?> FindWorkflowOrNullAsync(string id, CancellationToken ct) => inner.FindWorkflowOrNullAsync(id, ct);
    public Task<Page<Workflow>> ListWorkflowsAsync(WorkflowQuery query, CancellationToken ct) => inner.ListWorkflowsAsync(query, ct);
    public Task<IReadOnlyList<Workflow>> ListOpenWorkflowsAsync(int limit, CancellationToken ct) => inner.ListOpenWorkflowsAsync(limit, ct);
    public virtual Task<bool> UpdateWorkflowAsync(Workflow updated, long expectedVersion, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct) => inner.UpdateWorkflowAsync(updated, expectedVersion, events, effects, ct);
    public Task<IReadOnlyList<WorkflowEvent>> ListWorkflowEventsAsync(string workflowId, CancellationToken ct) => inner.ListWorkflowEventsAsync(workflowId, ct);
    public Task<IReadOnlyList<WorkflowEffect>> ListWorkflowEffectsAsync(string workflowId, CancellationToken ct) => inner.ListWorkflowEffectsAsync(workflowId, ct);
    public Task<IReadOnlyList<WorkflowEffect>> ClaimPendingEffectsAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken ct) => inner.ClaimPendingEffectsAsync(now, claimUntil, limit, ct);
    public Task ReleaseEffectClaimsAsync(CancellationToken ct) => inner.ReleaseEffectClaimsAsync(ct);
    public Task RecordEffectAsync(string effectId, DateTimeOffset now, bool done, string? resultUrl, string? error, CancellationToken ct) => inner.RecordEffectAsync(effectId, now, done, resultUrl, error, ct);
    public Task InsertSprintAsync(Sprint sprint, CancellationToken ct) => inner.InsertSprintAsync(sprint, ct);
    public Task<Sprint?> FindSprintOrNullAsync(string id, CancellationToken ct) => inner.FindSprintOrNullAsync(id, ct);
    public Task<Page<Sprint>> ListSprintsAsync(SprintQuery query, CancellationToken ct) => inner.ListSprintsAsync(query, ct);
    public Task<IReadOnlyList<Sprint>> ListRunningSprintsAsync(int limit, CancellationToken ct) => inner.ListRunningSprintsAsync(limit, ct);
    public Task<bool> UpdateSprintAsync(Sprint updated, long expectedVersion, CancellationToken ct) => inner.UpdateSprintAsync(updated, expectedVersion, ct);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>
/// Holds venture upserts (PUT /v1/ventures/{code}) at a gate while armed, so a test can send a second request while the
/// first is provably still running. <see cref="FailNextUpsert"/> makes the next upsert throw, as a broken disk would.
/// </summary>
internal sealed class GatedStore(IBatonStore inner) : DelegatingStore(inner)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Armed { get; set; }

    public bool FailNextUpsert { get; set; }

    /// <summary>Completes when an armed upsert has reached the store.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _release.TrySetResult();

    public override async Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct)
    {
        if (FailNextUpsert)
        {
            FailNextUpsert = false;
            throw new InvalidOperationException("SQLite Error 10: 'disk I/O error' in INSERT INTO ventures (secret internals)");
        }
        if (Armed)
        {
            _entered.TrySetResult();
            await _release.Task.WaitAsync(TestTimeouts.Default, ct);
        }
        await base.UpsertVenturesAsync(ventures, ct);
    }
}

/// <summary>
/// What a crash at the worst moment leaves behind, without crashing: <see cref="LoseAnswers"/> drops the stored copy of
/// every answer (as if the server died after the write committed and before the answer was kept), and
/// <see cref="FailAfterNextHandoff"/> fails the request right after its handoff was written (a 500 after the commit).
/// </summary>
internal sealed class AnswerLosingStore(IBatonStore inner) : DelegatingStore(inner)
{
    public bool LoseAnswers { get; set; }

    public bool FailAfterNextHandoff { get; set; }

    public override Task CompleteIdempotencyAsync(Baton.Core.Requests.IdempotencyScope scope, Baton.Core.Requests.StoredResponse response, CancellationToken ct) =>
        LoseAnswers ? Task.CompletedTask : base.CompleteIdempotencyAsync(scope, response, ct);

    public override async Task<Handoff> InsertHandoffAsync(Handoff handoff, CancellationToken ct)
    {
        var stored = await base.InsertHandoffAsync(handoff, ct);
        if (FailAfterNextHandoff)
        {
            FailAfterNextHandoff = false;
            throw new InvalidOperationException("the server failed after the handoff was committed");
        }
        return stored;
    }
}
