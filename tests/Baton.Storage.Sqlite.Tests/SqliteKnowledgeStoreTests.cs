using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;
using Baton.Storage.Contract;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>What only the embedded store's knowledge side promises: its FTS5 query building, cursor format and index upkeep.</summary>
public sealed class SqliteKnowledgeStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = Some.T0;

    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private SqliteBatonStore? _store;

    private CancellationToken Ct => _timeout.Token;

    private SqliteBatonStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        _store = SqliteBatonStore.Open(_directory.StoreOptions());
        await _store.InitializeAsync(Ct);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        _timeout.Dispose();
        _directory.Dispose();
    }

    private Task<Page<NoteHit>> SearchAsync(string? text, IReadOnlyList<string>? anyTags = null, IReadOnlyList<string>? ventures = null,
        IReadOnlyList<string>? excludeVentures = null, int limit = 20, string? cursor = null) =>
        Store.SearchNotesAsync(new NoteQuery(text, anyTags, ventures, excludeVentures, false, new PageRequest(limit, cursor)), Ct);

    /// <summary>A plain connection to the same file, for looking at what the store wrote.</summary>
    private SqliteConnection OpenRaw() => _directory.OpenRawConnection();

    [Theory]
    [InlineData("deploy the \"api", "\"deploy\" \"the\" \"api\"")]
    [InlineData("title:foo", "\"title\" \"foo\"")]
    [InlineData("NEAR( a OR -b*", "\"NEAR\" \"a\" \"OR\" \"b\"")]
    [InlineData("snake_case_name", "\"snake_case_name\"")]
    [InlineData("café déjà-vu 東京 42", "\"café\" \"déjà\" \"vu\" \"東京\" \"42\"")]
    public void FromPlainWords_WithWords_QuotesEachWordAsAPhrase(string text, string expected)
    {
        Assert.Equal(expected, FtsQuery.FromPlainWords(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("* \" ( ) : - + ^")]
    public void FromPlainWords_WithoutWords_ReturnsNull(string? text)
    {
        Assert.Null(FtsQuery.FromPlainWords(text));
    }

    [Fact]
    public async Task SearchNotes_WithACursorTheStoreNeverGave_FailsNamingTheCursor()
    {
        var error = await Assert.ThrowsAsync<BatonException>(() => SearchAsync("anything", cursor: "note_01JXYZ"));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
        Assert.Contains("cursor", error.Message);
    }

    [Fact]
    public async Task NoteWrites_KeepTheFullTextIndexInStepWithTheRows()
    {
        var notes = Enumerable.Range(0, 20).Select(i => Some.Note(Some.VentureCode(), T0, content: $"note number {i}", tags: ["t"])).ToList();
        foreach (var note in notes) await Store.InsertNoteAsync(note, Ct);
        await Store.UpdateNoteAsync(notes[0].Id, "new title", "new content", ["u"], T0.AddMinutes(1), Ct);
        await Store.UpdateNoteAsync(notes[1].Id, null, null, ["v"], T0.AddMinutes(1), Ct);
        await Store.SetNoteArchivedAsync(notes[2].Id, true, T0.AddMinutes(1), Ct);

        using var raw = OpenRaw();
        using var check = raw.CreateCommand();
        // With rank 1, FTS5 also compares the index against the external content table and fails on any difference.
        check.CommandText = "INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)";
        check.ExecuteNonQuery();
        using var tags = raw.CreateCommand();
        tags.CommandText = "SELECT count(*) FROM note_tags";
        Assert.Equal(20L, (long)tags.ExecuteScalar()!);
    }

    [Fact]
    public async Task SearchNotes_Over100000Notes_StaysExact()
    {
        const int Count = 100_000;
        string[] ventures = ["va", "vb", "vc", Venture.Global];
        bool IsArchived(int i) => i % 1000 == 999;
        bool IsExec(int i) => i % 5 == 0;
        bool IsCommon(int i) => i % 10 == 0;
        bool IsRare(int i) => i % 10_000 == 7;
        const int TitleHit = 50_007;
        SeedNotes(Count, i => (
            Venture: ventures[i % 4],
            Title: i == TitleHit ? "Zephyr rollout plan" : $"Note {i}",
            Content: $"alpha bravo w{i % 97}{(IsCommon(i) ? " common" : "")}{(IsRare(i) ? " zephyr" : "")} tail {i}",
            Exec: IsExec(i),
            Archived: IsArchived(i)));
        // The seed is synchronous and slow on a loaded machine; the queries get the whole timeout from here, so a
        // slow seed cannot leave them an already-expired token (it once timed out at 38 s under load average ~30).
        _timeout.CancelAfter(TestTimeouts.Default);
        var all = Enumerable.Range(0, Count).ToList();

        // A rare word: every hit, none missing, the one with the word in its title first.
        var rare = await SearchAsync("zephyr", limit: 50);
        Assert.Equal(all.Count(i => IsRare(i) && !IsArchived(i)), rare.Total);
        Assert.Equal(all.Where(i => IsRare(i) && !IsArchived(i)).Select(NoteId).Order(), rare.Items.Select(h => h.Note.Id).Order());
        Assert.Equal(NoteId(TitleHit), rare.Items[0].Note.Id);
        Assert.All(rare.Items, h => Assert.Contains("**", h.Snippet));

        // A common word with filters: the exact total for the filter, and a deep page that ends where the total says.
        var expected = all.Where(i => IsCommon(i) && IsExec(i) && ventures[i % 4] == "va" && !IsArchived(i)).ToList();
        var first = await SearchAsync("common", anyTags: ["exec"], ventures: ["va"]);
        Assert.Equal(expected.Count, first.Total);
        Assert.Equal(20, first.Items.Count);
        Assert.All(first.Items, h => Assert.Contains(h.Note.Id, expected.Select(NoteId)));
        var last = await SearchAsync("common", anyTags: ["exec"], ventures: ["va"], cursor: (expected.Count - 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, last.Items.Count);
        Assert.Null(last.NextCursor);

        // Without words: newest first over everything the filter keeps.
        var newest = await SearchAsync(null, excludeVentures: [Venture.Global], limit: 3);
        var expectedNewest = all.Where(i => ventures[i % 4] != Venture.Global && !IsArchived(i)).ToList();
        Assert.Equal(expectedNewest.Count, newest.Total);
        Assert.Equal(expectedNewest.AsEnumerable().Reverse().Take(3).Select(NoteId), newest.Items.Select(h => h.Note.Id));
    }

    [Fact]
    public async Task SearchNotes_OnEitherSideOfTheInProcessRankLimit_PagesInExactBm25OrderWithTiesById()
    {
        // Every note holds "common" 1–5 times and some in the title too, so ranks repeat in large groups: the
        // tie-break by id decides most of the order. Unfiltered the search matches more notes than are ranked in
        // process (SQLite sorts); the venture filter keeps fewer (the store sorts).
        var count = SqliteBatonStore.InProcessRankLimit + 700;
        string[] ventures = ["va", "vb", "vc", Venture.Global];
        SeedNotes(count, i => (
            Venture: ventures[i % 4],
            Title: i % 97 == 0 ? "common ground" : $"Note {i % 10}",
            Content: string.Join(' ', Enumerable.Repeat("common", i % 5 + 1)) + $" filler w{i % 13}",
            Exec: i % 3 == 0,
            Archived: i % 50 == 49));
        _timeout.CancelAfter(TestTimeouts.Default);

        var unfiltered = ExactOrder("common", "n.archived = 0");
        Assert.True(unfiltered.Count > SqliteBatonStore.InProcessRankLimit);
        Assert.Equal(unfiltered, await AllPagesAsync(v => SearchAsync("common", limit: 100, cursor: v)));

        var filtered = ExactOrder("common", "n.archived = 0 AND n.venture IN ('va', 'global') AND n.id IN (SELECT note_id FROM note_tags WHERE tag = 'exec')");
        Assert.InRange(filtered.Count, 1, SqliteBatonStore.InProcessRankLimit);
        Assert.Equal(filtered, await AllPagesAsync(v => SearchAsync("common", anyTags: ["exec"], ventures: ["va", Venture.Global], limit: 100, cursor: v)));
    }

    [Fact]
    public void SearchNotes_JoinsMatchesThroughTheCoveringScopeIndex()
    {
        // The scope filter and the tie-break read only these columns, so each match is joined through the small index
        // rather than by reading the note's whole row.
        using var raw = OpenRaw();
        using var plan = raw.CreateCommand();
        plan.CommandText = $"""
            EXPLAIN QUERY PLAN
            SELECT n.seq, n.id {SqliteBatonStore.SearchFrom}
            WHERE notes_fts MATCH '"word"' AND n.archived = 0 AND n.venture IN ('va', 'global')
              AND n.id IN (SELECT note_id FROM note_tags WHERE tag = 'exec')
            """;
        var steps = new List<string>();
        using (var reader = plan.ExecuteReader())
            while (reader.Read()) steps.Add(reader.GetString(3));

        Assert.Contains(steps, step => step.Contains("USING COVERING INDEX notes_search_scope", StringComparison.Ordinal));
    }

    /// <summary>Every matching note id in exact bm25 order (the store's weights), ties by id, straight from the file.</summary>
    private List<string> ExactOrder(string word, string scope)
    {
        using var raw = OpenRaw();
        using var command = raw.CreateCommand();
        command.CommandText = $"""
            SELECT n.id FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
            WHERE notes_fts MATCH $match AND {scope}
            ORDER BY bm25(notes_fts, 5.0, 1.0), n.id
            """;
        command.Parameters.AddWithValue("$match", $"\"{word}\"");
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Follows the cursors from the first page to the last; checks each page's total is the number of ids.</summary>
    private static async Task<List<string>> AllPagesAsync(Func<string?, Task<Page<NoteHit>>> search)
    {
        var ids = new List<string>();
        string? cursor = null;
        long? total = null;
        do
        {
            var page = await search(cursor);
            total ??= page.Total;
            Assert.Equal(total, page.Total);
            ids.AddRange(page.Items.Select(h => h.Note.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(total, ids.Count);
        return ids;
    }

    private static string NoteId(int i) => $"note_bulk{i:D6}";

    /// <summary>
    /// Writes <paramref name="count"/> notes in one transaction with reused commands: the store's one-op-per-note path
    /// would make this test slow without testing anything more. The FTS triggers index them as for any insert.
    /// </summary>
    private void SeedNotes(int count, Func<int, (string Venture, string Title, string Content, bool Exec, bool Archived)> make)
    {
        using var raw = OpenRaw();
        using var transaction = raw.BeginTransaction();
        using var insert = raw.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO notes (id, venture, title, content, tags, archived, created_at, updated_at, actor_key_id, source)
            VALUES ($id, $venture, $title, $content, $tags, $archived, $at, $at, NULL, 'bulk')
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var venture = insert.Parameters.Add("$venture", SqliteType.Text);
        var title = insert.Parameters.Add("$title", SqliteType.Text);
        var content = insert.Parameters.Add("$content", SqliteType.Text);
        var tags = insert.Parameters.Add("$tags", SqliteType.Text);
        var archived = insert.Parameters.Add("$archived", SqliteType.Integer);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        using var tag = raw.CreateCommand();
        tag.Transaction = transaction;
        tag.CommandText = "INSERT INTO note_tags (note_id, tag) VALUES ($id, 'exec')";
        var tagId = tag.Parameters.Add("$id", SqliteType.Text);

        for (var i = 0; i < count; i++)
        {
            var note = make(i);
            id.Value = NoteId(i);
            venture.Value = note.Venture;
            title.Value = note.Title;
            content.Value = note.Content;
            tags.Value = note.Exec ? """["exec"]""" : "[]";
            archived.Value = note.Archived ? 1 : 0;
            // One second apart, in id order, so "newest first" has one right answer.
            at.Value = T0.AddSeconds(i).ToUnixTimeMilliseconds();
            insert.ExecuteNonQuery();
            if (!note.Exec) continue;
            tagId.Value = NoteId(i);
            tag.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
