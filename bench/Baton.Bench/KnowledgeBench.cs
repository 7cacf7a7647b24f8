using System.Diagnostics;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;
using Microsoft.Data.Sqlite;

namespace Baton.Bench;

/// <summary>
/// The knowledge scenarios (issues 3 and 13): note search over 100,000 notes through the API and in the store, the
/// same query as a plain LIKE scan, the 5 most common words, how far the store's top 10 agree with exact bm25, and SOD
/// for a venture with 40 docs and 200 notes.
/// The corpus is synthetic but shaped like text: word frequencies follow Zipf's law over a 5,000-word vocabulary, so
/// queries of mid-frequency words match hundreds of notes, as a real search does, not millions or none.
/// </summary>
public static class KnowledgeBench
{
    private const int Notes = 100_000;
    private const int Vocabulary = 5_000;

    public static async Task<IReadOnlyList<Figure>> RunAsync(IKnowledgeStore store, HttpClient http, string dataDir)
    {
        var random = new Random(42);
        var words = MakeWords(Vocabulary, random);
        var zipf = new Zipf(Vocabulary);

        Console.WriteLine($"Seeding {Notes:N0} notes …");
        var watch = Stopwatch.StartNew();
        await SeedNotesAsync(store, words, zipf);
        Console.WriteLine($"  seeded in {watch.Elapsed.TotalSeconds:F1} s");

        // Two-word queries from the middle of the vocabulary (ranks 30–1,500): the words people actually search for.
        var queries = Enumerable.Range(0, 300).Select(_ => $"{words[random.Next(30, 1_500)]} {words[random.Next(30, 1_500)]}").ToList();
        var figures = new List<Figure>();

        // Warm-up, in the store here and through the API in the server (its own connections and caches).
        foreach (var q in queries.Take(30))
        {
            await store.SearchNotesAsync(Query(q), CancellationToken.None);
            using var warm = await http.GetAsync($"/v1/notes?q={Uri.EscapeDataString(q)}&limit=20");
        }

        var storeSearch = new Samples();
        var hits = new List<long>();
        foreach (var q in queries)
        {
            var start = Stopwatch.GetTimestamp();
            var page = await store.SearchNotesAsync(Query(q), CancellationToken.None);
            storeSearch.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            hits.Add(page.Total);
        }

        var apiSearch = new Samples();
        foreach (var q in queries)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"/v1/notes?q={Uri.EscapeDataString(q)}&limit=20");
            response.EnsureSuccessStatusCode();
            await response.Content.LoadIntoBufferAsync();
            apiSearch.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var like = LikeScan(Path.Combine(dataDir, "baton.db"), queries.Take(40).ToList());
        hits.Sort();
        figures.Add(new("Note search, 100k notes, API p50", $"{apiSearch.Percentile(50):F2} ms"));
        figures.Add(new("Note search, 100k notes, API p99", $"{apiSearch.Percentile(99):F2} ms", "≤ 5 ms", apiSearch.Percentile(99) <= 5));
        figures.Add(new("Note search, store only p50 / p99", $"{storeSearch.Percentile(50):F2} ms / {storeSearch.Percentile(99):F2} ms (median {hits[hits.Count / 2]:N0} hits, max {hits[^1]:N0})"));
        figures.Add(new("Same queries as LIKE scan p50", $"{like.Percentile(50):F1} ms — FTS5 is {like.Percentile(50) / storeSearch.Percentile(50):F0}× faster"));

        // The 5 most common words each match most of the notes: the worst case for ranking. Each is searched 4 times
        // after one warm-up, so the p99 of 20 is the slowest of them rather than one cold cache.
        var commonWords = words.Take(5).ToList();
        var common = new Samples();
        var commonHits = new List<long>();
        foreach (var w in commonWords) await store.SearchNotesAsync(Query(w), CancellationToken.None);
        for (var round = 0; round < 4; round++)
        {
            foreach (var w in commonWords)
            {
                var start = Stopwatch.GetTimestamp();
                var page = await store.SearchNotesAsync(Query(w), CancellationToken.None);
                common.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (round == 0) commonHits.Add(page.Total);
            }
        }
        figures.Add(new("One of the 5 most common words, store p50 / p99", $"{common.Percentile(50):F1} ms / {common.Percentile(99):F1} ms ({commonHits.Min():N0}–{commonHits.Max():N0} hits)",
            "≤ 20 ms", common.Percentile(99) <= 20));

        // Best-first kept: the store's top 10 beside exact bm25 over every match, computed here straight from the file.
        var midAgreement = await AgreementAsync(store, Path.Combine(dataDir, "baton.db"), queries);
        var commonAgreement = await AgreementAsync(store, Path.Combine(dataDir, "baton.db"), commonWords);
        figures.Add(new("Top-10 agreement with exact bm25 (bench queries / common words)", $"{midAgreement:F2} / {commonAgreement:F2}",
            "≥ 0.9", Math.Min(midAgreement, commonAgreement) >= 0.9));

        await SeedRichVentureAsync(store, "v01", words, zipf);
        var sod = new Samples();
        for (var i = 0; i < 600; i++)
        {
            var body = new { agent = $"rich-agent-{i % 50}", venture = "v01", repo = "repo01" };
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync("/v1/sod", new StringContent(System.Text.Json.JsonSerializer.Serialize(body, BatonJson.Options), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            await response.Content.LoadIntoBufferAsync();
            if (i >= 100) sod.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds); // first 100 warm up
        }
        figures.Add(new("SOD, venture with 40 docs + 200 notes, p50", $"{sod.Percentile(50):F2} ms"));
        figures.Add(new("SOD, venture with 40 docs + 200 notes, p99", $"{sod.Percentile(99):F2} ms", "≤ 8 ms", sod.Percentile(99) <= 8));
        return figures;
    }

    private static NoteQuery Query(string text) => new(text, null, null, null, false, PageRequest.First(20));

    private static async Task SeedNotesAsync(IKnowledgeStore store, string[] words, Zipf zipf)
    {
        var ids = new IdGenerator(TimeProvider.System);
        var now = Timestamp.TruncateToMilliseconds(DateTimeOffset.UtcNow);
        var tags = new[] { "ops", "sales", "roadmap", "incident", "hiring", "pricing", "security", "legal" };
        await Parallel.ForAsync(0, Notes, new ParallelOptions { MaxDegreeOfParallelism = 128 }, async (i, ct) =>
        {
            var random = new Random(i);
            var venture = i % 10 == 0 ? Venture.Global : $"v{i % 50:D2}";
            var title = Sentence(words, zipf, random, 4);
            var content = string.Join(" ", Enumerable.Range(0, 4).Select(_ => Sentence(words, zipf, random, 15)));
            var note = new Note(ids.New(IdGenerator.Note), venture, title, content, [tags[i % tags.Length]], false,
                now.AddSeconds(-i), now.AddSeconds(-i), "bench", "bench");
            await store.InsertNoteAsync(note, ct);
        });
    }

    private static async Task SeedRichVentureAsync(IKnowledgeStore store, string venture, string[] words, Zipf zipf)
    {
        var ids = new IdGenerator(TimeProvider.System);
        var now = Timestamp.TruncateToMilliseconds(DateTimeOffset.UtcNow);
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var content = string.Join("\n\n", Enumerable.Range(0, 3).Select(_ => Sentence(words, zipf, random, 40)));
            await store.InsertNoteAsync(new Note(ids.New(IdGenerator.Note), venture, $"Summary {i}", content, ["executive-summary"], false,
                now.AddMinutes(-i), now.AddMinutes(-i), "bench", "bench"), CancellationToken.None);
        }
        for (var i = 0; i < 40; i++)
        {
            var content = $"# Doc {i}\n\n" + string.Join("\n\n", Enumerable.Range(0, 20).Select(_ => Sentence(words, zipf, random, 30)));
            var bytes = Encoding.UTF8.GetBytes(content);
            await store.PutDocAsync(new Doc(venture, $"{venture}-doc-{i:D2}.md", $"Doc {i}", content,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), bytes.Length, "guide", 1, now, "bench", null, null, false),
                CancellationToken.None);
        }
    }

    /// <summary>
    /// The mean share of each query's exact top 10 that the store's first 10 hits hold. Exact is bm25 over every live
    /// match with the store's column weights, ties by id: the ranking as defined, with no bound on the work.
    /// </summary>
    private static async Task<double> AgreementAsync(IKnowledgeStore store, string databasePath, IReadOnlyList<string> queries)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        var shares = new List<double>();
        foreach (var q in queries)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT n.id FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid
                WHERE notes_fts MATCH $match AND n.archived = 0
                ORDER BY bm25(notes_fts, 5.0, 1.0), n.id LIMIT 10
                """;
            command.Parameters.AddWithValue("$match", string.Join(' ', q.Split(' ').Select(w => $"\"{w}\"")));
            var exact = new List<string>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) exact.Add(reader.GetString(0));
            if (exact.Count == 0) continue;
            var page = await store.SearchNotesAsync(Query(q), CancellationToken.None);
            shares.Add(page.Items.Take(10).Select(h => h.Note.Id).Intersect(exact).Count() / (double)exact.Count);
        }
        return shares.Count == 0 ? 1 : shares.Average();
    }

    /// <summary>The same two-word AND query done the naive way: LIKE over title and content, newest first, with a count.</summary>
    private static Samples LikeScan(string databasePath, IReadOnlyList<string> queries)
    {
        var samples = new Samples();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        foreach (var q in queries)
        {
            var terms = q.Split(' ');
            var where = "archived = 0 AND " + string.Join(" AND ", terms.Select((_, i) => $"(title LIKE $t{i} OR content LIKE $t{i})"));
            var start = Stopwatch.GetTimestamp();
            foreach (var sql in new[] { $"SELECT count(*) FROM notes WHERE {where}", $"SELECT id, title FROM notes WHERE {where} ORDER BY updated_at DESC LIMIT 20" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                for (var i = 0; i < terms.Length; i++) command.Parameters.AddWithValue($"$t{i}", $"%{terms[i]}%");
                using var reader = command.ExecuteReader();
                while (reader.Read()) { }
            }
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return samples;
    }

    private static string Sentence(string[] words, Zipf zipf, Random random, int length) =>
        string.Join(" ", Enumerable.Range(0, length).Select(_ => words[zipf.Next(random)])) + ".";

    /// <summary>Pronounceable pseudo-words, distinct, so the stemmer and tokenizer see word-like tokens.</summary>
    private static string[] MakeWords(int count, Random random)
    {
        string[] onsets = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cl", "st", "tr", "pl"];
        string[] vowels = ["a", "e", "i", "o", "u", "ai", "ou", "ea"];
        string[] codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st"];
        var set = new HashSet<string>();
        while (set.Count < count)
        {
            var syllables = random.Next(2, 4);
            var word = new StringBuilder();
            for (var s = 0; s < syllables; s++)
                word.Append(onsets[random.Next(onsets.Length)]).Append(vowels[random.Next(vowels.Length)]).Append(codas[random.Next(codas.Length)]);
            set.Add(word.ToString());
        }
        return [.. set];
    }

    /// <summary>Draws ranks 0..n-1 with probability ∝ 1/(rank+1).</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;

        public Zipf(int n)
        {
            _cumulative = new double[n];
            var sum = 0.0;
            for (var i = 0; i < n; i++) _cumulative[i] = sum += 1.0 / (i + 1);
            for (var i = 0; i < n; i++) _cumulative[i] /= sum;
        }

        public int Next(Random random)
        {
            var index = Array.BinarySearch(_cumulative, random.NextDouble());
            return index >= 0 ? index : Math.Min(~index, _cumulative.Length - 1);
        }
    }
}
