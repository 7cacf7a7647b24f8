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

    public Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => FindStoredHandoff(db, id), ct);

    public Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = ListFilters.Handoffs(query);
        return ReadAsync(db => filter.Page(db, "handoffs", Rows.HandoffColumns, Rows.Handoff, query.Page, IdGenerator.Handoff, h => h.Id), ct);
    }

    private static Handoff? FindStoredHandoff(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.HandoffColumns} FROM handoffs WHERE id = $id", Rows.Handoff, ("$id", id));

    private static void InsertHandoff(Db db, Handoff h) =>
        db.Execute($"INSERT INTO handoffs ({Rows.HandoffColumns}) VALUES ({Rows.HandoffValues})", Rows.HandoffArgs(h));
}
