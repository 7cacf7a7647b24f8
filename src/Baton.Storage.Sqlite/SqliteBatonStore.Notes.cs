using System.Globalization;
using Baton.Core.Common;
using Baton.Core.Knowledge;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    /// <summary>bm25 column weights (title, content): a word in the title says more about a note than one in its body.</summary>
    private const string Bm25 = "bm25(notes_fts, 5.0, 1.0)";

    /// <summary>Snippet length in tokens, and the plain-list snippet length in characters.</summary>
    private const int SnippetTokens = 12;

    // snippet() marks matches with control characters no note is expected to hold, so the store can tell which column
    // matched (markdown notes are full of "**" already) before turning them into the "**" the API promises.
    private const string MatchStart = "\u0001";
    private const string MatchEnd = "\u0002";

    public Task<Note> InsertNoteAsync(Note note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(db =>
        {
            db.Execute($"INSERT INTO notes ({Rows.NoteColumns}) VALUES ({Rows.NoteValues})", Rows.NoteArgs(note));
            WriteNoteTags(db, note.Id, note.Tags);
            return note;
        }, ct);
    }

    public Task<Note?> FindNoteOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => FindStoredNote(db, id), ct);

    public Task<Note?> UpdateNoteAsync(string id, string? title, string? content, IReadOnlyList<string>? tags, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db =>
        {
            // The FTS triggers re-index title and content when either changes (notes_fts_after_update).
            var changed = db.Execute("""
                UPDATE notes SET
                    title = coalesce($title, title),
                    content = coalesce($content, content),
                    tags = coalesce($tags, tags),
                    updated_at = $now
                WHERE id = $id
                """,
                ("$id", id), ("$title", title), ("$content", content), ("$tags", tags is null ? null : Rows.List(tags)),
                ("$now", Rows.Ms(now)));
            if (changed == 0) return null;

            if (tags is not null)
            {
                db.Execute("DELETE FROM note_tags WHERE note_id = $id", ("$id", id));
                WriteNoteTags(db, id, tags);
            }
            return FindStoredNote(db, id);
        }, ct);

    public Task<Note?> SetNoteArchivedAsync(string id, bool archived, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db =>
        {
            // Archived notes stay in the full-text index; searches filter them out unless asked (see 0002_knowledge.sql).
            var changed = db.Execute("UPDATE notes SET archived = $archived, updated_at = $now WHERE id = $id",
                ("$id", id), ("$archived", Rows.Bool(archived)), ("$now", Rows.Ms(now)));
            return changed == 0 ? null : FindStoredNote(db, id);
        }, ct);

    public Task<Page<NoteHit>> SearchNotesAsync(NoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(query.Page.Cursor);
        var match = FtsQuery.FromPlainWords(query.Text);
        var filter = NoteFilter(query, joinedToMatches: match is not null);

        return ReadAsync(db => match is null
            ? ListNotes(db, filter, limit, offset)
            : SearchNotes(db, filter, match, limit, offset), ct);
    }

    /// <summary>Without search words: newest first by <c>updated_at</c>, snippet = the start of the content.</summary>
    private static Page<NoteHit> ListNotes(Db db, Filter filter, int limit, int offset)
    {
        var where = filter.WhereClause();
        var total = db.Scalar($"SELECT count(*) FROM notes n {where}", [.. filter.Args]);
        var notes = db.List($"""
            SELECT {Rows.Qualified(Rows.NoteColumns, "n")} FROM notes n {where}
            ORDER BY n.updated_at DESC, n.id DESC
            LIMIT $limit OFFSET $offset
            """, Rows.Note, [.. filter.Args, ("$limit", limit + 1), ("$offset", offset)]);

        var hits = notes.Select(n => new NoteHit(n, Snippets.Plain(n.Content), 0)).ToList();
        return OffsetPaging.PageOf(hits, total, limit, offset);
    }

    /// <summary>
    /// The most matches a search ranks in process from its one pass over them (decision 0016). Nearly every search
    /// matches fewer; a word in a large share of the notes matches more and is counted and ranked by SQLite instead.
    /// </summary>
    internal const int InProcessRankLimit = 2_000;

    /// <summary>
    /// With search words: ranked by bm25, best first, ties by id; the exact total. Then snippets for the page only —
    /// snippet() is costly and must not run for every hit of a common word. All in one snapshot.
    /// </summary>
    private static Page<NoteHit> SearchNotes(Db db, Filter filter, string match, int limit, int offset)
    {
        var where = filter.WhereClause("notes_fts MATCH $match");
        (string, object?)[] args = [.. filter.Args, ("$match", match)];
        const string From = SearchFrom;

        // One pass reads every match's rank and id (bm25 is computed once per match either way); up to
        // InProcessRankLimit of them are counted and sorted here, which costs less than a count and a sorted query,
        // each of which walks the same doclists again.
        var matches = db.List($"SELECT n.seq, {Bm25} AS rank, n.id {From} {where} LIMIT $probe",
            r => new Ranked(r.GetInt64(0), r.GetDouble(1), r.GetString(2)), [.. args, ("$probe", InProcessRankLimit + 1)]);
        long total;
        List<Ranked> ranked;
        if (matches.Count <= InProcessRankLimit)
        {
            total = matches.Count;
            // The order ORDER BY rank, n.id gives: ids are ASCII, so ordinal comparison is SQLite's BINARY collation.
            matches.Sort(static (a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : string.CompareOrdinal(a.Id, b.Id));
            ranked = matches.Skip(offset).Take(limit + 1).ToList();
        }
        else
        {
            total = db.Scalar($"SELECT count(*) {From} {where}", args);
            ranked = db.List($"""
                SELECT n.seq, {Bm25} AS rank, n.id {From} {where}
                ORDER BY rank, n.id
                LIMIT $limit OFFSET $offset
                """, r => new Ranked(r.GetInt64(0), r.GetDouble(1), r.GetString(2)), [.. args, ("$limit", limit + 1), ("$offset", offset)]);
        }
        if (ranked.Count == 0) return new Page<NoteHit>([], total, null);

        var seqs = string.Join(',', ranked.Select(p => p.Seq.ToString(CultureInfo.InvariantCulture)));
        var details = db.List($"""
            SELECT n.seq, {Rows.Qualified(Rows.NoteColumns, "n")},
                   snippet(notes_fts, 1, $start, $end, '…', {SnippetTokens}) AS content_snippet,
                   snippet(notes_fts, 0, $start, $end, '…', {SnippetTokens}) AS title_snippet
            FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
            WHERE notes_fts MATCH $match AND notes_fts.rowid IN ({seqs})
            """, r => (Seq: r.GetInt64(0), Note: Rows.Note(r), Content: r.GetString(r.GetOrdinal("content_snippet")),
                Title: r.GetString(r.GetOrdinal("title_snippet"))),
                ("$match", match), ("$start", MatchStart), ("$end", MatchEnd))
            .ToDictionary(d => d.Seq);

        var hits = ranked.Select(p =>
        {
            var d = details[p.Seq];
            return new NoteHit(d.Note, BestSnippet(d.Content, d.Title, d.Note.Content), p.Rank);
        }).ToList();
        return OffsetPaging.PageOf(hits, total, limit, offset);
    }

    private readonly record struct Ranked(long Seq, double Rank, string Id);

    /// <summary>
    /// The matches joined to what the scope filter and the tie-break read, through the small covering index
    /// (0009_note_search.sql). Named, because without ANALYZE statistics SQLite would join by the table's rowid and
    /// read each match's whole row.
    /// </summary>
    internal const string SearchFrom = "FROM notes_fts JOIN notes n INDEXED BY notes_search_scope ON n.seq = notes_fts.rowid";

    /// <summary>The content's snippet when the words matched there, else the title's (the words were only in the title).</summary>
    private static string BestSnippet(string contentSnippet, string titleSnippet, string content)
    {
        var best = contentSnippet.Contains(MatchStart, StringComparison.Ordinal) ? contentSnippet
            : titleSnippet.Contains(MatchStart, StringComparison.Ordinal) ? titleSnippet
            : Snippets.Plain(content);
        return best.Replace(MatchStart, "**", StringComparison.Ordinal).Replace(MatchEnd, "**", StringComparison.Ordinal);
    }




    /// <param name="query">The scope asked for.</param>
    /// <param name="joinedToMatches">
    /// The filter is checked on each FTS5 match as it is joined through notes_search_scope. The unary + keeps the venture
    /// and tag lists out of that index lookup: as index keys, each match would be looked up once per listed venture
    /// and once per note carrying the tag (thousands), where checked afterwards each is one test against a list built
    /// once.
    /// </param>
    private static Filter NoteFilter(NoteQuery query, bool joinedToMatches)
    {
        var filter = new Filter();
        var venture = joinedToMatches ? "+n.venture" : "n.venture";
        if (!query.IncludeArchived) filter.Add("n.archived = 0");
        if (query.Ventures is { } ventures) filter.In(venture, "venture", ventures);
        if (query.ExcludeVentures is { Count: > 0 } excluded) filter.NotIn(venture, "exclude", excluded);
        if (query.AnyTags is { } tags)
        {
            var names = filter.Parameters("tag", tags);
            // IN (subquery) rather than a correlated EXISTS: SQLite can then start from the few notes with the tag
            // (note_tags_by_tag) instead of probing note_tags once per note of the whole scope.
            filter.Add($"{(joinedToMatches ? "+n.id" : "n.id")} IN (SELECT t.note_id FROM note_tags t WHERE t.tag IN ({names}))");
        }
        return filter;
    }

    private static Note? FindStoredNote(Db db, string id) =>
        db.FirstOrDefault($"SELECT {Rows.NoteColumns} FROM notes WHERE id = $id", Rows.Note, ("$id", id));

    private static void WriteNoteTags(Db db, string noteId, IReadOnlyList<string> tags)
    {
        // OR IGNORE: a tag given twice is one tag.
        foreach (var tag in tags)
            db.Execute("INSERT OR IGNORE INTO note_tags (note_id, tag) VALUES ($id, $tag)", ("$id", noteId), ("$tag", tag));
    }
}
