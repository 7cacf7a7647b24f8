using Baton.Core.Activity;
using Baton.Core.Briefing;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;

namespace Baton.Storage.Postgres;

/// <summary>
/// The briefing's reads (decisions/0015-briefing-from-one-snapshot.md): every statement in one batch, one round trip,
/// inside <c>BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY … COMMIT</c> sent in the same batch, so all of them read
/// the snapshot the first one took. Under READ COMMITTED each statement would take its own.
/// </summary>
public sealed partial class PostgresBatonStore
{
    private const string BeginSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    /// <summary>
    /// Test seam: when set, the briefing's reads go in two batches of the one transaction — its handoffs, then this,
    /// then the rest — so a test can commit a write in between and see that the rest of the briefing does not show it.
    /// </summary>
    internal Func<Task>? AfterFirstBriefingReads { get; set; }

    public Task<BriefingSources> ReadBriefingSourcesAsync(BriefingSourceQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(async db =>
        {
            await EnsureExpectedSchemaHashAsync(db, ct).ConfigureAwait(false);
            var first = new Batch();
            var hook = AfterFirstBriefingReads;
            var rest = hook is null ? first : new Batch();
            var sources = AddBriefingReads(db, first, rest, query, ct);
            await db.ExecuteAsync(first, ct).ConfigureAwait(false);
            if (hook is not null)
            {
                await hook().ConfigureAwait(false);
                await db.ExecuteAsync(rest, ct).ConfigureAwait(false);
            }
            return await sources().ConfigureAwait(false);
        }, ct);
    }

    /// <summary>
    /// Two round trips on one connection: BEGIN, the tuple's lock and its active sessions; then the writes SOD's rule
    /// asks for, COMMIT, and the briefing's reads in a snapshot taken after that commit, all in the second batch. Under
    /// an Idempotency-Key the write runs in the key's own transaction (its record locked first, decisions/0013), and
    /// the test seam splits the reads, so those take the write and then the reads.
    /// </summary>
    public async Task<SodStart> StartOrResumeSessionAndReadBriefingAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter,
        BriefingSourceQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(query);
        if (IdempotencyScope.Current is not null || AfterFirstBriefingReads is not null)
        {
            var outcome = await StartOrResumeSessionAsync(candidate, now, staleAfter, ct).ConfigureAwait(false);
            return new SodStart(outcome, await ReadBriefingSourcesAsync(query, ct).ConfigureAwait(false));
        }

        return await RunAsync(async db =>
        {
            await EnsureExpectedSchemaHashAsync(db, ct).ConfigureAwait(false);
            // The transaction is opened and ended by the statements themselves (Npgsql rolls back one left open when
            // the connection goes back to the pool, as after a failure here), so BEGIN and COMMIT travel in the batches.
            var lockAndRead = new Batch();
            lockAndRead.Add("BEGIN");
            var active = AddLockAndReadActive(lockAndRead, candidate);
            await db.ExecuteAsync(lockAndRead, ct).ConfigureAwait(false);

            var writeThenRead = new Batch();
            var outcome = AddSodWrites(writeThenRead, candidate, SessionRules.Decide(active(), now, staleAfter), now);
            writeThenRead.Add("COMMIT");
            var sources = AddBriefingReads(db, writeThenRead, writeThenRead, query, ct);
            await db.ExecuteAsync(writeThenRead, ct).ConfigureAwait(false);
            return new SodStart(outcome, await sources().ConfigureAwait(false));
        }, ct);
    }

    /// <summary>
    /// Adds the snapshot's BEGIN and the handoff reads to <paramref name="first"/>, every other read and the COMMIT to
    /// <paramref name="rest"/> (the same batch unless a test splits them); returns what makes the sources once they ran.
    /// The live schema hash is recomputed after the batch only when the signature read in it moved.
    /// </summary>
    private Func<Task<BriefingSources>> AddBriefingReads(Db db, Batch first, Batch rest, BriefingSourceQuery q, CancellationToken ct)
    {
        first.Add(BeginSnapshot);
        var (newest, args) = ListFilters.NewestHandoff(q.LastHandoff);
        var last = first.Add(Queries.List(newest, Rows.Handoff, args).Then(rows => rows.FirstOrDefault()));
        var addressed = first.Add(ListHandoffsQuery(q.AddressedHandoffs));
        var active = rest.Add(ListSessionsQuery(q.ActiveSessions, q.Now, q.StaleAfter));
        var notes = q.Notes.Select(n => rest.Add(BriefingNotesQuery(n))).ToList();
        var docs = rest.Add(DocsQuery(q.DocScopes, Rows.DocSummaryColumns, Rows.DocSummary));
        Func<List<Doc>> full = q.FullDocs ? rest.Add(DocsQuery(q.DocScopes, Rows.DocColumns, Rows.Doc)) : () => [];
        var requirements = rest.Add(DocRequirementsQuery);
        var open = rest.Add(ListAlertsQuery(q.OpenAlerts));
        var allOpen = rest.Add(CountAlertsQuery(q.AllOpenAlerts));
        var stale = rest.Add(CountAlertsQuery(q.PossiblyStaleAlerts));
        var cadence = rest.Add(CadenceQuery(q.CadenceScopes));
        var webhooks = AddWebhookStats(rest, q.WebhookVenture);
        var signature = rest.Add(SchemaSignatureQuery);
        Func<Page<WaitingSession>?> waiting = q.Waiting is { } w ? rest.Add(ListWaitingQuery(w)) : () => null;
        var queue = AddBriefingQueue(rest, q.Queue);
        // In the same batch as the rest: the claims section costs no round trip of its own.
        Func<Page<Claim>?> claims = q.Claims is { } c ? rest.Add(ListClaimsQuery(c, q.Now, q.StaleAfter)) : () => null;
        // The session's spend too: one more statement in the batch.
        Func<Baton.Core.Spend.SpendTotals?> spend = q.Spend is { } s ? rest.Add(SessionSpendQuery(s).Then(t => (Baton.Core.Spend.SpendTotals?)t)) : () => null;
        rest.Add("COMMIT");

        return async () => new BriefingSources(
            last(), addressed(), active(), [.. notes.Select(n => n())], docs(), full(), requirements(), open(), allOpen(), stale(),
            cadence(), webhooks(), await SchemaCheckAsync(db, signature(), ct).ConfigureAwait(false), queue(), waiting(), claims(), spend());
    }

    /// <summary>What <see cref="SearchNotesAsync(NoteQuery, CancellationToken)"/> answers for a query without search words: the briefing lists notes, it never searches.</summary>
    private static Query<Page<NoteHit>> BriefingNotesQuery(NoteQuery query)
    {
        if (PlainWords(query.Text) is not null)
            throw new ArgumentException("The briefing's note queries list notes; they carry no search words.", nameof(query));
        return ListNotesQuery(NoteFilter(query), Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit), OffsetPaging.ParseCursor(query.Page.Cursor));
    }
}
