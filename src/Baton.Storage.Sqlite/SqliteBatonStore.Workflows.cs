using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Workflows and sprints on SQLite (docs/architecture.md §8, §17). Each change is one write of the group-commit writer:
/// the versioned UPDATE and the change's events and effects in one savepoint, so a stale version saves nothing and a
/// failing insert (a repeated event seq) undoes the update with it. The writer runs one write at a time, so of two
/// updates carrying the same version exactly one finds the row still at it.
/// </summary>
public sealed partial class SqliteBatonStore
{
    public Task InsertWorkflowAsync(Workflow workflow, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(effects);
        if (workflow.Version != 1) throw new ArgumentException($"A new workflow has version 1, not {workflow.Version}.", nameof(workflow));
        return WriteAsync(db =>
        {
            db.Execute(WorkflowRows.InsertWorkflowSql, WorkflowRows.WorkflowArgs(workflow));
            SaveWorkflowChange(db, events, effects);
        }, ct);
    }

    public Task<Workflow?> FindWorkflowOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {WorkflowRows.WorkflowColumns} FROM workflows WHERE id = $id", WorkflowRows.Workflow, ("$id", id)), ct);

    public Task<Page<Workflow>> ListWorkflowsAsync(WorkflowQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        filter.Equal("state", Rows.Text(query.State));
        filter.Equal("sprint_id", query.SprintId);
        return ReadAsync(db => filter.Page(db, "workflows", WorkflowRows.WorkflowColumns, WorkflowRows.Workflow, query.Page, WorkflowIds.Workflow, w => w.Id), ct);
    }

    public async Task<IReadOnlyList<Workflow>> ListOpenWorkflowsAsync(int limit, CancellationToken ct) =>
        await ReadAsync(db => db.List($"""
            SELECT {WorkflowRows.WorkflowColumns} FROM workflows WHERE state NOT IN ({WorkflowRows.Finished}) ORDER BY id LIMIT $limit
            """, WorkflowRows.Workflow, ("$limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);

    public Task<bool> UpdateWorkflowAsync(Workflow updated, long expectedVersion, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(effects);
        WorkflowRows.EnsureNextVersion(updated.Version, expectedVersion, "workflow");
        return WriteAsync(db =>
        {
            if (db.Execute(WorkflowRows.UpdateWorkflowSql, WorkflowRows.WorkflowUpdateArgs(updated, expectedVersion)) == 0) return false;
            SaveWorkflowChange(db, events, effects);
            return true;
        }, ct);
    }

    private static void SaveWorkflowChange(Db db, IReadOnlyList<WorkflowEvent> events, IReadOnlyList<WorkflowEffect> effects)
    {
        foreach (var e in events) db.Execute(WorkflowRows.InsertEventSql, WorkflowRows.EventArgs(e));
        foreach (var x in effects) db.Execute(WorkflowRows.InsertEffectSql, WorkflowRows.EffectArgs(x));
    }

    public async Task<IReadOnlyList<WorkflowEvent>> ListWorkflowEventsAsync(string workflowId, CancellationToken ct) =>
        await ReadAsync(db => db.List($"SELECT {WorkflowRows.EventColumns} FROM workflow_events WHERE workflow_id = $id ORDER BY seq",
            WorkflowRows.Event, ("$id", workflowId)), ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<WorkflowEffect>> ListWorkflowEffectsAsync(string workflowId, CancellationToken ct) =>
        await ReadAsync(db => db.List($"SELECT {WorkflowRows.EffectColumns} FROM workflow_effects WHERE workflow_id = $id ORDER BY id",
            WorkflowRows.Effect, ("$id", workflowId)), ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<WorkflowEffect>> ClaimPendingEffectsAsync(DateTimeOffset now, DateTimeOffset claimUntil, int limit, CancellationToken ct)
    {
        // The engine asks every second and there is usually nothing to claim: a read answers that without a turn of the
        // writer, which heartbeats and every other write queue for.
        if (await ReadAsync(db => db.Scalar($"SELECT EXISTS (SELECT 1 FROM workflow_effects WHERE {WorkflowRows.Claimable})", ("$now", Rows.Ms(now))), ct).ConfigureAwait(false) == 0)
            return [];
        // One statement in one write: the writer runs writes one at a time, so two claims never take the same effect.
        var claimed = await WriteAsync(db => db.List($"""
            UPDATE workflow_effects SET claimed_until = $until
            WHERE id IN (SELECT id FROM workflow_effects WHERE {WorkflowRows.Claimable} ORDER BY id LIMIT $limit)
            RETURNING {WorkflowRows.EffectColumns}
            """, WorkflowRows.Effect, ("$now", Rows.Ms(now)), ("$until", Rows.Ms(claimUntil)), ("$limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);
        // RETURNING gives no order; ids are creation order.
        claimed.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return claimed;
    }

    public Task ReleaseEffectClaimsAsync(CancellationToken ct) =>
        WriteAsync(db => { db.Execute(WorkflowRows.ReleaseClaimsSql); }, ct);

    public Task RecordEffectAsync(string effectId, DateTimeOffset now, bool done, string? resultUrl, string? error, CancellationToken ct) =>
        WriteAsync(db => { db.Execute(WorkflowRows.RecordEffectSql, WorkflowRows.RecordEffectArgs(effectId, now, done, resultUrl, error)); }, ct);

    public Task InsertSprintAsync(Sprint sprint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sprint);
        return WriteAsync(db => { db.Execute(WorkflowRows.InsertSprintSql, WorkflowRows.SprintArgs(sprint)); }, ct);
    }

    public Task<Sprint?> FindSprintOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {WorkflowRows.SprintColumns} FROM sprints WHERE id = $id", WorkflowRows.Sprint, ("$id", id)), ct);

    public Task<Page<Sprint>> ListSprintsAsync(SprintQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        return ReadAsync(db => filter.Page(db, "sprints", WorkflowRows.SprintColumns, WorkflowRows.Sprint, query.Page, WorkflowIds.Sprint, s => s.Id), ct);
    }

    public async Task<IReadOnlyList<Sprint>> ListRunningSprintsAsync(int limit, CancellationToken ct) =>
        await ReadAsync(db => db.List($"""
            SELECT {WorkflowRows.SprintColumns} FROM sprints WHERE state = '{Rows.Text(SprintState.Running)}' ORDER BY id LIMIT $limit
            """, WorkflowRows.Sprint, ("$limit", Math.Max(limit, 0))), ct).ConfigureAwait(false);

    public Task<bool> UpdateSprintAsync(Sprint updated, long expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(updated);
        WorkflowRows.EnsureNextVersion(updated.Version, expectedVersion, "sprint");
        return WriteAsync(db => db.Execute(WorkflowRows.UpdateSprintSql, WorkflowRows.SprintUpdateArgs(updated, expectedVersion)) == 1, ct);
    }
}
