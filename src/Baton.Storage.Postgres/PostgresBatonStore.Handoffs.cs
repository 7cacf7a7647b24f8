using Baton.Core.Common;
using Baton.Core.Handoffs;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task InsertHandoffAsync(Handoff handoff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        return RunAsync(db => InsertHandoffAsync(db, handoff, ct), ct);
    }

    public Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => FindStoredHandoffAsync(db, id, ct), ct);

    public Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new Filter();
        filter.Equal("venture", query.Venture);
        filter.Equal("repo", query.Repo);
        filter.Equal("track", query.Track);
        filter.Equal("issue_number", query.IssueNumber);
        switch (query.Origin)
        {
            case HandoffOrigin.Own:
                filter.Add("source_venture IS NULL");
                break;
            case HandoffOrigin.Addressed:
                filter.Add("source_venture IS NOT NULL");
                break;
        }

        return RunAsync(db => filter.PageAsync(db, "handoffs", Rows.HandoffColumns, Rows.Handoff, query.Page, h => h.Id, ct), ct);
    }

    private static Task<Handoff?> FindStoredHandoffAsync(Db db, string id, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {Rows.HandoffColumns} FROM handoffs WHERE id = @id", Rows.Handoff, ct, ("id", id));

    private static Task<int> InsertHandoffAsync(Db db, Handoff h, CancellationToken ct) =>
        db.ExecuteAsync($"""
            INSERT INTO handoffs ({Rows.HandoffColumns})
            VALUES (@id, @session_id, @venture, @repo, @track, @issue_number, @from_agent, @to_agent, @status, @summary, @payload,
                    @payload_hash, @payload_size_bytes, @source_venture, @created_at, @actor_key_id, @creation_correlation_id)
            """, ct,
            ("id", h.Id), ("session_id", h.SessionId), ("venture", h.Venture), ("repo", h.Repo), ("track", h.Track),
            ("issue_number", h.IssueNumber), ("from_agent", h.FromAgent), ("to_agent", h.ToAgent), ("status", Rows.Text(h.Status)),
            ("summary", h.Summary), ("payload", h.Payload), ("payload_hash", h.PayloadHash),
            ("payload_size_bytes", h.PayloadSizeBytes), ("source_venture", h.SourceVenture), ("created_at", Rows.Ms(h.CreatedAt)),
            ("actor_key_id", h.ActorKeyId), ("creation_correlation_id", h.CreationCorrelationId));
}
