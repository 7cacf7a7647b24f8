using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    /// <summary>
    /// Test seam: runs between the briefing's first reads (its handoffs) and the rest, inside the read transaction, so
    /// a test can commit a write there and see that the rest of the briefing does not show it.
    /// </summary>
    internal Func<Task>? AfterFirstBriefingReads { get; set; }

    /// <summary>
    /// Every read of a briefing in one read transaction on one pooled connection: one snapshot (WAL keeps it while
    /// the writer commits), and the connection's prepared statements are reused from one SOD to the next.
    /// </summary>
    public Task<BriefingSources> ReadBriefingSourcesAsync(BriefingSourceQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => ReadBriefingSources(db, query), ct);
    }

    /// <summary>
    /// SQLite gains nothing from joining the two: the write runs on the writer's connection in its group commit, the
    /// reads on a reader's, and neither is a network round trip. So this is the write, then the reads.
    /// </summary>
    public async Task<SodStart> StartOrResumeSessionAndReadBriefingAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter,
        BriefingSourceQuery query, CancellationToken ct)
    {
        var outcome = await StartOrResumeSessionAsync(candidate, now, staleAfter, ct).ConfigureAwait(false);
        return new SodStart(outcome, await ReadBriefingSourcesAsync(query, ct).ConfigureAwait(false));
    }

    private BriefingSources ReadBriefingSources(Db db, BriefingSourceQuery q)
    {
        var (newest, args) = ListFilters.NewestHandoff(q.LastHandoff);
        var last = db.FirstOrDefault(newest, Rows.Handoff, args);
        var addressed = ListHandoffs(db, q.AddressedHandoffs);
        // Off any synchronisation context: the read holds this thread until the seam's write has committed.
        if (AfterFirstBriefingReads is { } between) Task.Run(between).GetAwaiter().GetResult();
        return new BriefingSources(
            last,
            addressed,
            ListSessions(db, q.ActiveSessions, q.Now, q.StaleAfter),
            [.. q.Notes.Select(n => BriefingNotes(db, n))],
            ListDocs(db, q.DocScopes, Rows.DocSummaryColumns, Rows.DocSummary),
            q.FullDocs ? ListDocs(db, q.DocScopes, Rows.DocColumns, Rows.Doc) : [],
            ListDocRequirements(db),
            ListAlerts(db, q.OpenAlerts),
            CountAlerts(db, q.AllOpenAlerts),
            CountAlerts(db, q.PossiblyStaleAlerts),
            ListCadence(db, q.CadenceScopes),
            WebhookStatsOf(db, q.WebhookVenture),
            CheckSchema(db),
            BriefingQueue(db, q.Queue),
            q.Waiting is { } waiting ? ListWaiting(db, waiting) : null,
            q.Claims is { } claims ? ListClaims(db, claims, q.Now, q.StaleAfter) : null,
            q.Spend is { } spend ? SessionSpend(db, spend) : null);
    }

    /// <summary>What <see cref="SearchNotesAsync(NoteQuery, CancellationToken)"/> answers for a query without search words: the briefing lists notes, it never searches.</summary>
    private static Page<NoteHit> BriefingNotes(Db db, NoteQuery query)
    {
        if (FtsQuery.FromPlainWords(query.Text) is not null)
            throw new ArgumentException("The briefing's note queries list notes; they carry no search words.", nameof(query));
        return ListNotes(db, NoteFilter(query, joinedToMatches: false), Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit), OffsetPaging.ParseCursor(query.Page.Cursor));
    }
}
