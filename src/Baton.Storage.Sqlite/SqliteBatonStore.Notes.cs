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
        var filter = NoteFilter(query);
        var match = FtsQuery.FromPlainWords(query.Text);

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
    /// With search words: ranked by bm25, best first. Three steps in one snapshot: the exact total, the page's note ids
    /// and ranks, then snippets for that page only — snippet() is costly and must not run for every hit of a common word.
    /// </summary>
    private static Page<NoteHit> SearchNotes(Db db, Filter filter, string match, int limit, int offset)
    {
        var where = filter.WhereClause("notes_fts MATCH $match");
        (string, object?)[] args = [.. filter.Args, ("$match", match)];
        const string From = "FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid";

        var total = db.Scalar($"SELECT count(*) {From} {where}", args);
        // Ties in rank are broken by id so every page of the same search sees the same order.
        var ranked = db.List($"""
            SELECT n.seq, {Bm25} AS rank {From} {where}
            ORDER BY rank, n.id
            LIMIT $limit OFFSET $offset
            """, r => (Seq: r.GetInt64(0), Rank: r.GetDouble(1)), [.. args, ("$limit", limit + 1), ("$offset", offset)]);
        if (ranked.Count == 0) return new Page<NoteHit>([], total, null);

        var seqs = string.Join(',', ranked.Select(p => p.Seq.ToString(CultureInfo.InvariantCulture)));
        var details = db.List($"""
            SELECT n.seq, {Rows.Qualified(Rows.NoteColumns, "n")},
                   snippet(notes_fts, 1, $start, $end, '…', {SnippetTokens}) AS content_snippet,
                   snippet(notes_fts, 0, $start, $end, '…', {SnippetTokens}) AS title_snippet
            {From}
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

    /// <summary>The content's snippet when the words matched there, else the title's (the words were only in the title).</summary>
    private static string BestSnippet(string contentSnippet, string titleSnippet, string content)
    {
        var best = contentSnippet.Contains(MatchStart, StringComparison.Ordinal) ? contentSnippet
            : titleSnippet.Contains(MatchStart, StringComparison.Ordinal) ? titleSnippet
            : Snippets.Plain(content);
        return best.Replace(MatchStart, "**", StringComparison.Ordinal).Replace(MatchEnd, "**", StringComparison.Ordinal);
    }




    private static Filter NoteFilter(NoteQuery query)
    {
        var filter = new Filter();
        if (!query.IncludeArchived) filter.Add("n.archived = 0");
        if (query.Ventures is { } ventures) filter.In("n.venture", "venture", ventures);
        if (query.ExcludeVentures is { Count: > 0 } excluded) filter.NotIn("n.venture", "exclude", excluded);
        if (query.AnyTags is { } tags)
        {
            var names = filter.Parameters("tag", tags);
            // IN (subquery) rather than a correlated EXISTS: SQLite can then start from the few notes with the tag
            // (note_tags_by_tag) instead of probing note_tags once per note of the whole scope.
            filter.Add($"n.id IN (SELECT t.note_id FROM note_tags t WHERE t.tag IN ({names}))");
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
