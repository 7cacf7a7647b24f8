using Baton.Core.Common;
using Baton.Core.Handoffs;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<Handoff> InsertHandoffAsync(Handoff handoff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return WriteAsync(async db =>
        {
            await InsertHandoffAsync(db, handoff, ct).ConfigureAwait(false);
            return handoff;
        }, ct);
    }

    public Task<Handoff?> InsertDraftHandoffAsync(Handoff draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.SessionId is null || draft.DraftedBy is null || draft.DraftedFrom is null)
            throw new ArgumentException("A draft names its session, what drafted it and its trigger.", nameof(draft));
        return WriteInTransactionAsync(async db =>
        {
            if (await db.ScalarAsync(Rows.AgentHandoffCountSql, ct, Rows.DraftKeyArgs(draft)[..1]).ConfigureAwait(false) > 0) return null;
            await db.ExecuteAsync(Rows.InsertDraftHandoffSql, ct, Rows.HandoffArgs(draft)).ConfigureAwait(false);
            return await db.FirstOrDefaultAsync(Rows.FindDraftHandoffSql, Rows.Handoff, ct, Rows.DraftKeyArgs(draft)).ConfigureAwait(false);
        }, ct);
    }

    public Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => FindStoredHandoffAsync(db, id, ct), ct);

    public Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(db => db.QueryAsync(ListHandoffsQuery(query), ct), ct);
    }

    private static Query<Page<Handoff>> ListHandoffsQuery(HandoffQuery query) =>
        ListFilters.Handoffs(query).PageQuery("handoffs", Rows.HandoffColumns, Rows.Handoff, query.Page, IdGenerator.Handoff, h => h.Id);

    private static Task<Handoff?> FindStoredHandoffAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {Rows.HandoffColumns} FROM handoffs WHERE id = @id", Rows.Handoff, ct, ("id", id));

    private static Task<int> InsertHandoffAsync(Db db, Handoff h, CancellationToken ct) =>
        db.ExecuteAsync($"INSERT INTO handoffs ({Rows.HandoffColumns}) VALUES ({Rows.HandoffValues})", ct, Rows.HandoffArgs(h));
}
