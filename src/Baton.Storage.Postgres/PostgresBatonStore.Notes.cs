using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Knowledge;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    /// <summary>Snippet length in words (ts_headline), and the plain-list snippet length in characters (as SQLite).</summary>
    private const int SnippetWords = 12;

    // ts_headline marks matches with control characters no note is expected to hold, so the store can tell which
    // column matched (markdown notes are full of "**" already) before turning them into the "**" the API promises.
    private const string MatchStart = "\u0001";
    private const string MatchEnd = "\u0002";

    private static readonly string HeadlineOptions =
        $"StartSel=\"{MatchStart}\", StopSel=\"{MatchEnd}\", MaxWords={SnippetWords}, MinWords={SnippetWords / 2}, ShortWord=0, " +
        "MaxFragments=1, FragmentDelimiter=\" … \"";

    // Letters (with their combining marks), digits and underscore, in any script: what a word is made of. The same
    // rule as the SQLite store's FtsQuery, so both stores see the same words in the same text.
    [GeneratedRegex(@"[\p{L}\p{M}\p{N}_]+")]
    private static partial Regex Word();

    public Task<Note> InsertNoteAsync(Note note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(note);
        return WriteAsync(async db =>
        {
            await db.ExecuteAsync($"INSERT INTO notes ({Rows.NoteColumns}) VALUES ({Rows.NoteValues})", ct, Rows.NoteArgs(note)).ConfigureAwait(false);
            return note;
        }, ct);
    }

    public Task<Note?> FindNoteOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.NoteColumns} FROM notes WHERE id = @id", Rows.Note, ct, ("id", id)), ct);

    public Task<Note?> UpdateNoteAsync(string id, string? title, string? content, IReadOnlyList<string>? tags, DateTimeOffset now, CancellationToken ct) =>
        // The generated search column follows title and content by itself.
        WriteAsync(db => db.FirstOrDefaultAsync($"""
            UPDATE notes SET
                title = coalesce(@title, title),
                content = coalesce(@content, content),
                tags = coalesce(@tags, tags),
                updated_at = @now
            WHERE id = @id
            RETURNING {Rows.NoteColumns}
            """, Rows.Note, ct,
            ("id", id), ("title", title), ("content", content), ("tags", tags is null ? null : Rows.List(tags)), ("now", Rows.Ms(now))), ct);

    public Task<Note?> SetNoteArchivedAsync(string id, bool archived, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefaultAsync($"UPDATE notes SET archived = @archived, updated_at = @now WHERE id = @id RETURNING {Rows.NoteColumns}",
            Rows.Note, ct, ("id", id), ("archived", archived), ("now", Rows.Ms(now))), ct);

    public Task<Page<NoteHit>> SearchNotesAsync(NoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Page.Limit, 1, PageRequest.MaxLimit);
        var offset = OffsetPaging.ParseCursor(query.Page.Cursor);
        var filter = NoteFilter(query);
        var words = PlainWords(query.Text);

        return RunAsync(db => words is null
            ? ListNotesAsync(db, filter, limit, offset, ct)
            : SearchNotesAsync(db, filter, words, limit, offset, ct), ct);
    }

    /// <summary>
    /// The words of <paramref name="text"/> joined by spaces, or null when it holds none. plainto_tsquery reads them
    /// as words ANDed together and never as operators, so no input can make the search fail.
    /// </summary>
    private static string? PlainWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var words = Word().Matches(text).Select(m => m.Value).ToList();
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    /// <summary>Without search words: newest first by <c>updated_at</c>, snippet = the start of the content. One statement.</summary>
    private static Task<Page<NoteHit>> ListNotesAsync(Db db, Filter filter, int limit, int offset, CancellationToken ct) =>
        db.QueryAsync(ListNotesQuery(filter, limit, offset), ct);

    /// <summary>The statement of <see cref="ListNotesAsync"/>, to run alone or in a batch.</summary>
    private static Query<Page<NoteHit>> ListNotesQuery(Filter filter, int limit, int offset) =>
        Queries.List($"""
            SELECT c.page_total, p.* FROM (SELECT count(*) AS page_total FROM notes n {filter.WhereClause()}) c
            LEFT JOIN LATERAL (
                SELECT {Rows.Qualified(Rows.NoteColumns, "n")} FROM notes n {filter.WhereClause()}
                ORDER BY n.updated_at DESC, n.id DESC LIMIT @page_limit OFFSET @page_offset) p ON true
            """, r => (Total: r.GetInt64(0), Note: r.IsDBNull(r.GetOrdinal("id")) ? null : Rows.Note(r)),
            [.. filter.Args, ("page_limit", limit + 1), ("page_offset", offset)])
        .Then(rows =>
        {
            var hits = rows.Where(r => r.Note is not null).Select(r => new NoteHit(r.Note!, Snippets.Plain(r.Note!.Content), 0)).ToList();
            return OffsetPaging.PageOf(hits, rows.Count > 0 ? rows[0].Total : 0, limit, offset);
        });

    /// <summary>
    /// With search words: ranked best first (the negated ts_rank, so lower is better as with bm25; ties by id so pages
    /// are stable). One statement: the exact total as a one-row subquery, the page joined to it, and ts_headline run
    /// on the page's rows only — it re-parses the text and must not run for every hit of a common word.
    /// </summary>
    private static async Task<Page<NoteHit>> SearchNotesAsync(Db db, Filter filter, string words, int limit, int offset, CancellationToken ct)
    {
        var where = filter.WhereClause("n.search @@ q.query");
        const string From = "FROM notes n, (SELECT plainto_tsquery('baton_text', @words) AS query) q";
        var rows = await db.ListAsync($"""
            SELECT c.page_total, p.*,
                   ts_headline('baton_text', p.content, p.query, @options) AS content_snippet,
                   ts_headline('baton_text', p.title, p.query, @options) AS title_snippet
            FROM (SELECT count(*) AS page_total {From} {where}) c
            LEFT JOIN LATERAL (
                SELECT {Rows.Qualified(Rows.NoteColumns, "n")}, q.query, -ts_rank(n.search, q.query)::double precision AS rank {From} {where}
                ORDER BY rank, n.id LIMIT @page_limit OFFSET @page_offset) p ON true
            ORDER BY p.rank, p.id
            """, r => r.IsDBNull(r.GetOrdinal("id"))
                ? (Total: r.GetInt64(0), Hit: (NoteHit?)null)
                : (Total: r.GetInt64(0), Hit: Hit(r)), ct,
            [.. filter.Args, ("words", words), ("options", HeadlineOptions), ("page_limit", limit + 1), ("page_offset", offset)]).ConfigureAwait(false);

        var hits = rows.Where(r => r.Hit is not null).Select(r => r.Hit!).ToList();
        return OffsetPaging.PageOf(hits, rows.Count > 0 ? rows[0].Total : 0, limit, offset);

        static NoteHit Hit(System.Data.Common.DbDataReader r)
        {
            var note = Rows.Note(r);
            var snippet = BestSnippet(r.GetString(r.GetOrdinal("content_snippet")), r.GetString(r.GetOrdinal("title_snippet")), note);
            return new NoteHit(note, snippet, r.GetDouble(r.GetOrdinal("rank")));
        }
    }

    /// <summary>
    /// The content's headline when the words matched there, else the title's, else the start of the content. A headline
    /// that is not the whole text says so with "…" at the end(s) where text was left out, as SQLite's snippet() does.
    /// </summary>
    private static string BestSnippet(string contentHeadline, string titleHeadline, Note note)
    {
        string best;
        if (contentHeadline.Contains(MatchStart, StringComparison.Ordinal)) best = Elided(contentHeadline, note.Content);
        else if (titleHeadline.Contains(MatchStart, StringComparison.Ordinal)) best = Elided(titleHeadline, note.Title);
        else return Snippets.Plain(note.Content);
        return best.Replace(MatchStart, "**", StringComparison.Ordinal).Replace(MatchEnd, "**", StringComparison.Ordinal);
    }

    private static string Elided(string headline, string whole)
    {
        var plain = headline.Replace(MatchStart, "", StringComparison.Ordinal).Replace(MatchEnd, "", StringComparison.Ordinal).Trim();
        var trimmed = whole.Trim();
        var text = headline.Trim();
        if (!trimmed.StartsWith(plain, StringComparison.Ordinal)) text = "…" + text;
        if (!trimmed.EndsWith(plain, StringComparison.Ordinal)) text += "…";
        return text;
    }




    private static Filter NoteFilter(NoteQuery query)
    {
        var filter = new Filter();
        if (!query.IncludeArchived) filter.Add("NOT n.archived");
        // = ANY of an empty array matches nothing, as "only these, and these are none" means.
        if (query.Ventures is { } ventures) filter.Add("n.venture = ANY(@ventures)", ("ventures", Rows.List(ventures)));
        if (query.ExcludeVentures is { Count: > 0 } excluded) filter.Add("NOT (n.venture = ANY(@exclude))", ("exclude", Rows.List(excluded)));
        // Array overlap, answered from the GIN index on tags.
        if (query.AnyTags is { } tags) filter.Add("n.tags && @tags", ("tags", Rows.List(tags)));
        return filter;
    }
}
