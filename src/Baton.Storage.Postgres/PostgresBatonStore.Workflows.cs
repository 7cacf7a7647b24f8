using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Storage.Postgres;

/// <summary>
/// Workflows and sprints on PostgreSQL (docs/architecture.md §8, §17), answering exactly as the SQLite store does.
/// Replicas share them:
/// <list type="bullet">
/// <item>An update is <c>UPDATE … WHERE id = @id AND version = @expected</c> and, only when it changed the row, the
/// change's events and effects, in one transaction. Of two updates carrying one version the second waits on the row
/// lock, then re-checks the version on the committed row and changes nothing.</item>
/// <item>A claim of pending effects locks them <c>FOR UPDATE SKIP LOCKED</c> in a CTE and sets their claim in the same
/// statement: an effect another replica is claiming is left to it, so no effect is handed out twice.</item>
/// </list>
/// </summary>
public sealed partial class PostgresBatonStore
{
    public Task InsertWorkflowAsync(Workflow workflow, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(effects);
        if (workflow.Version != 1) throw new ArgumentException($"A new workflow has version 1, not {workflow.Version}.", nameof(workflow));
        return WriteInTransactionAsync(async db =>
        {
            var batch = new Batch();
            batch.Add(WorkflowRows.InsertWorkflowSql, WorkflowRows.WorkflowArgs(workflow));
            AddWorkflowChange(batch, events, effects);
            await db.ExecuteAsync(batch, ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    public Task<Workflow?> FindWorkflowOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {WorkflowRows.WorkflowColumns} FROM workflows WHERE id = @id", WorkflowRows.Workflow, ct, ("id", id)), ct);

    public Task<Page<Workflow>> ListWorkflowsAsync(WorkflowQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        filter.Equal("state", Rows.Text(query.State));
        filter.Equal("sprint_id", query.SprintId);
        return RunAsync(db => filter.PageAsync(db, "workflows", WorkflowRows.WorkflowColumns, WorkflowRows.Workflow, query.Page, WorkflowIds.Workflow, w => w.Id, ct), ct);
    }

    public async Task<IReadOnlyList<Workflow>> ListOpenWorkflowsAsync(int limit, CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"""
            SELECT {WorkflowRows.WorkflowColumns} FROM workflows WHERE state NOT IN ({WorkflowRows.Finished}) ORDER BY id LIMIT @limit
            """, WorkflowRows.Workflow, ct, ("limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);

    public Task<bool> UpdateWorkflowAsync(Workflow updated, long expectedVersion, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(effects);
        WorkflowRows.EnsureNextVersion(updated.Version, expectedVersion, "workflow");
        return WriteInTransactionAsync(async db =>
        {
            if (await db.ExecuteAsync(WorkflowRows.UpdateWorkflowSql, ct, WorkflowRows.WorkflowUpdateArgs(updated, expectedVersion)).ConfigureAwait(false) == 0)
                return false;
            var batch = new Batch();
            AddWorkflowChange(batch, events, effects);
            if (batch.Statements.Count > 0) await db.ExecuteAsync(batch, ct).ConfigureAwait(false);
            return true;
        }, ct);
    }

    private static void AddWorkflowChange(Batch batch, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects)
    {
        foreach (var e in events) batch.Add(WorkflowRows.InsertEventSql, WorkflowRows.EventArgs(e));
        foreach (var x in effects) batch.Add(WorkflowRows.InsertEffectSql, WorkflowRows.EffectArgs(x));
    }

    public async Task<IReadOnlyList<WorkflowEvent>> ListWorkflowEventsAsync(string workflowId, CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"SELECT {WorkflowRows.EventColumns} FROM workflow_events WHERE workflow_id = @id ORDER BY seq",
            WorkflowRows.Event, ct, ("id", workflowId)), ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<WorkflowEffect>> ListWorkflowEffectsAsync(string workflowId, CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"SELECT {WorkflowRows.EffectColumns} FROM workflow_effects WHERE workflow_id = @id ORDER BY id",
            WorkflowRows.Effect, ct, ("id", workflowId)), ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<WorkflowEffect>> ClaimPendingEffectsAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken ct)
    {
        // One statement: rows another claim holds are skipped, not waited for; a row a claim committed meanwhile is
        // re-checked on its new version when locked, and no longer claimable.
        var claimed = await WriteAsync(db => db.ListAsync($"""
            WITH due AS (
                SELECT id FROM workflow_effects WHERE {WorkflowRows.Claimable} ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED
            )
            UPDATE workflow_effects e SET claimed_until = @until FROM due WHERE e.id = due.id
            RETURNING {Rows.Qualified(WorkflowRows.EffectColumns, "e")}
            """, WorkflowRows.Effect, ct, ("now", Rows.Ms(now)), ("until", Rows.Ms(claimUntil)), ("limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);
        claimed.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return claimed;
    }

    public Task ReleaseEffectClaimsAsync(CancellationToken ct) =>
        WriteAsync(db => db.ExecuteAsync(WorkflowRows.ReleaseClaimsSql, ct), ct);

    public Task RecordEffectAsync(string effectId, DateTimeOffset now, bool done, string? resultUrl, string? error, CancellationToken ct) =>
        WriteAsync(db => db.ExecuteAsync(WorkflowRows.RecordEffectSql, ct, WorkflowRows.RecordEffectArgs(effectId, now, done, resultUrl, error)), ct);

    public Task InsertSprintAsync(Sprint sprint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sprint);
        return WriteAsync(db => db.ExecuteAsync(WorkflowRows.InsertSprintSql, ct, WorkflowRows.SprintArgs(sprint)), ct);
    }

    public Task<Sprint?> FindSprintOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {WorkflowRows.SprintColumns} FROM sprints WHERE id = @id", WorkflowRows.Sprint, ct, ("id", id)), ct);

    public Task<Page<Sprint>> ListSprintsAsync(SprintQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        return RunAsync(db => filter.PageAsync(db, "sprints", WorkflowRows.SprintColumns, WorkflowRows.Sprint, query.Page, WorkflowIds.Sprint, s => s.Id, ct), ct);
    }

    public async Task<IReadOnlyList<Sprint>> ListRunningSprintsAsync(int limit, CancellationToken ct) =>
        await RunAsync(db => db.ListAsync($"""
            SELECT {WorkflowRows.SprintColumns} FROM sprints WHERE state = '{Rows.Text(SprintState.Running)}' ORDER BY id LIMIT @limit
            """, WorkflowRows.Sprint, ct, ("limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);

    public async Task<bool> UpdateSprintAsync(Sprint updated, long expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        WorkflowRows.EnsureNextVersion(updated.Version, expectedVersion, "sprint");
        return await WriteAsync(db => db.ExecuteAsync(WorkflowRows.UpdateSprintSql, ct, WorkflowRows.SprintUpdateArgs(updated, expectedVersion)), ct).ConfigureAwait(false) == 1;
    }
}
