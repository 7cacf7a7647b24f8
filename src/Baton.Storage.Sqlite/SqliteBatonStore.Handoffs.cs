using Baton.Core.Common;
using Baton.Core.Handoffs;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<Handoff> InsertHandoffAsync(Handoff handoff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return WriteAsync(db =>
        {
            InsertHandoff(db, handoff);
            return handoff;
        }, ct);
    }

    public Task<Handoff?> InsertDraftHandoffAsync(Handoff draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.SessionId is null || draft.DraftedBy is null || draft.DraftedFrom is null)
            throw new ArgumentException("A draft names its session, what drafted it and its trigger.", nameof(draft));
        return WriteAsync(db =>
        {
            if (db.Scalar(Rows.AgentHandoffCountSql, Rows.DraftKeyArgs(draft)[..1]) > 0) return null;
            db.Execute(Rows.InsertDraftHandoffSql, Rows.HandoffArgs(draft));
            return db.FirstOrDefault(Rows.FindDraftHandoffSql, Rows.Handoff, Rows.DraftKeyArgs(draft));
        }, ct);
    }

    public Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => FindStoredHandoff(db, id), ct);

    public Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ListHandoffs(db, query), ct);
    }

    private static Page<Handoff> ListHandoffs(Db db, HandoffQuery query) =>
        ListFilters.Handoffs(query).Page(db, "handoffs", Rows.HandoffColumns, Rows.Handoff, query.Page, IdGenerator.Handoff, h => h.Id);

    private static Handoff? FindStoredHandoff(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.HandoffColumns} FROM handoffs WHERE id = $id", Rows.Handoff, ("$id", id));

    private static void InsertHandoff(Db db, Handoff h) =>
        db.Execute($"INSERT INTO handoffs ({Rows.HandoffColumns}) VALUES ({Rows.HandoffValues})", Rows.HandoffArgs(h));
}
