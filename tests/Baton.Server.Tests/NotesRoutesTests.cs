using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Support.KnowledgeCalls;

namespace Baton.Server.Tests;

/// <summary>The notes routes over a real server: writes, search ranking and filters, paging, odd queries, secret refusal.</summary>
public sealed class NotesRoutesTests
{
    [Fact]
    public async Task CreateNote_Is201WithLocationAndTheNote_AndGetReadsItBack()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/notes", Body(new
        {
            Venture = "alpha", Title = "Pricing", Content = "We bill per seat.", Tags = new[] { "Executive-Summary", "pricing" }, Source = "meeting",
        }));
        var note = await TestServer.ReadJsonAsync(response);
        var (status, read) = await GetAsync(server.Admin, $"/v1/notes/{note.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("note_", note.GetProperty("id").GetString());
        Assert.Equal($"/v1/notes/{note.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.Equal(["executive-summary", "pricing"], note.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(note.GetProperty("archived").GetBoolean());
        Assert.Equal(200, status);
        Assert.Equal("We bill per seat.", read.GetProperty("content").GetString());
        Assert.Equal("meeting", read.GetProperty("source").GetString());
        Assert.Equal(note.GetProperty("created_at").GetString(), read.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task CreateNote_RetriedWithTheSameIdempotencyKey_StoresOneNoteAndReplaysTheAnswer()
    {
        await using var server = await TestServer.StartAsync();

        async Task<(HttpStatusCode Status, string Body, string? Replayed)> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/notes")
            {
                Content = Body(new { Venture = "alpha", Title = "Pricing", Content = "Per seat." }),
            };
            request.Headers.Add("Idempotency-Key", "note-retry-1");
            using var response = await server.Admin.SendAsync(request);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) ? string.Join(",", values) : null;
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), replayed);
        }

        var first = await PostAsync();
        var second = await PostAsync();
        var (_, all) = await GetAsync(server.Admin, "/v1/notes?venture=alpha");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Null(first.Replayed);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("true", second.Replayed);
        Assert.Equal(1, all.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task UpdateNote_ChangesOnlyWhatIsGivenAndBumpsUpdatedAt()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        var note = await CreateNoteAsync(server.Admin, "alpha", "Pricing", "We bill per seat.", ["pricing"]);
        var id = note.GetProperty("id").GetString();
        clock.Advance(TimeSpan.FromMinutes(5));

        using var response = await server.Admin.PutAsync($"/v1/notes/{id}", Body(new { Content = "We bill per workspace." }));
        var updated = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Pricing", updated.GetProperty("title").GetString());
        Assert.Equal("We bill per workspace.", updated.GetProperty("content").GetString());
        Assert.Equal(["pricing"], updated.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2026-11-22T09:05:00.000Z", updated.GetProperty("updated_at").GetString());
        Assert.Equal("2026-11-22T09:00:00.000Z", updated.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task ArchiveNote_Is200Archived_AndSearchHidesItUnlessIncludeArchived()
    {
        await using var server = await TestServer.StartAsync();
        var note = await CreateNoteAsync(server.Admin, "alpha", "Old pricing", "Flat fee, retired.");
        var id = note.GetProperty("id").GetString();

        using var response = await server.Admin.PostAsync($"/v1/notes/{id}/archive", null);
        var archived = await TestServer.ReadJsonAsync(response);
        var (_, hidden) = await GetAsync(server.Admin, "/v1/notes?q=pricing");
        var (_, shown) = await GetAsync(server.Admin, "/v1/notes?q=pricing&include_archived=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(archived.GetProperty("archived").GetBoolean());
        Assert.Equal(0, hidden.GetProperty("total").GetInt32());
        Assert.Equal(1, shown.GetProperty("total").GetInt32());
        Assert.Equal(id, shown.GetProperty("items")[0].GetProperty("note").GetProperty("id").GetString());
    }

    [Fact]
    public async Task UnknownNote_GetUpdateArchive_Are404NoteNotFound()
    {
        await using var server = await TestServer.StartAsync();

        using var get = await server.Admin.GetAsync("/v1/notes/note_nope");
        using var put = await server.Admin.PutAsync("/v1/notes/note_nope", Body(new { Title = "x" }));
        using var archive = await server.Admin.PostAsync("/v1/notes/note_nope/archive", null);

        foreach (var response in new[] { get, put, archive })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("note_not_found", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Search_RanksTitleMatchFirst_WithSnippetMarkingTheWord()
    {
        await using var server = await TestServer.StartAsync();
        // Created first, so a newest-first order would put the title match last: only ranking puts it first.
        await CreateNoteAsync(server.Admin, "alpha", "Quarterly plan", "Next quarter we revisit onboarding and the kestrel tuning.");
        var titled = await CreateNoteAsync(server.Admin, "alpha", "Kestrel limits", "Body limits and timeouts we chose.");
        await CreateNoteAsync(server.Admin, "alpha", "Unrelated", "Nothing about web servers here.");

        var (status, page) = await GetAsync(server.Admin, "/v1/notes?q=kestrel");

        Assert.Equal(200, status);
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items");
        Assert.Equal(titled.GetProperty("id").GetString(), items[0].GetProperty("note").GetProperty("id").GetString());
        Assert.Contains("**kestrel**", items[1].GetProperty("snippet").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("**", items[0].GetProperty("snippet").GetString());
        Assert.True(items[0].GetProperty("rank").GetDouble() <= items[1].GetProperty("rank").GetDouble());
    }

    [Fact]
    public async Task Search_FiltersByTagVentureAndGlobal()
    {
        await using var server = await TestServer.StartAsync();
        var alphaTagged = await CreateNoteAsync(server.Admin, "alpha", "Alpha roadmap", "roadmap for alpha", ["strategy"]);
        var alphaPlain = await CreateNoteAsync(server.Admin, "alpha", "Alpha chores", "roadmap chores");
        var beta = await CreateNoteAsync(server.Admin, "beta", "Beta roadmap", "roadmap for beta", ["strategy"]);
        var global = await CreateNoteAsync(server.Admin, "global", "Company roadmap", "roadmap for everyone", ["strategy"]);

        var (_, byTag) = await GetAsync(server.Admin, "/v1/notes?q=roadmap&tag=strategy");
        var (_, alphaWithGlobal) = await GetAsync(server.Admin, "/v1/notes?q=roadmap&venture=alpha");
        var (_, alphaOnly) = await GetAsync(server.Admin, "/v1/notes?q=roadmap&venture=alpha&include_global=false");
        var (_, alphaTaggedOnly) = await GetAsync(server.Admin, "/v1/notes?venture=alpha&include_global=false&tag=strategy");
        var (_, noGlobal) = await GetAsync(server.Admin, "/v1/notes?q=roadmap&include_global=false");

        Assert.Equal(Ids(alphaTagged, beta, global), Sorted(byTag));
        Assert.Equal(3, byTag.GetProperty("total").GetInt32());
        Assert.Equal(Ids(alphaTagged, alphaPlain, global), Sorted(alphaWithGlobal));
        Assert.Equal(Ids(alphaTagged, alphaPlain), Sorted(alphaOnly));
        Assert.Equal(Ids(alphaTagged), Sorted(alphaTaggedOnly));
        Assert.Equal(Ids(alphaTagged, alphaPlain, beta), Sorted(noGlobal));
    }

    [Fact]
    public async Task Search_ScopedAgentKey_SeesOnlyItsVentureAndIsRefusedAnother()
    {
        await using var server = await TestServer.StartAsync();
        await CreateNoteAsync(server.Admin, "alpha", "Alpha roadmap", "roadmap");
        await CreateNoteAsync(server.Admin, "beta", "Beta roadmap", "roadmap");
        var (_, key) = await server.CreateKeyAsync("agent", "alpha");
        var agent = server.Client(key);

        var (_, own) = await GetAsync(agent, "/v1/notes?q=roadmap&include_global=false");
        var (status, problem) = await GetAsync(agent, "/v1/notes?q=roadmap&venture=beta");

        Assert.Equal(1, own.GetProperty("total").GetInt32());
        Assert.Equal("alpha", own.GetProperty("items")[0].GetProperty("note").GetProperty("venture").GetString());
        Assert.Equal(403, status);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("AND")]
    [InlineData("NOT")]
    [InlineData("*")]
    [InlineData("OR roadmap (")]
    [InlineData("title:roadmap")]
    [InlineData("NEAR(")]
    public async Task Search_WithOddQuery_Is200AndSearchesTheWords(string query)
    {
        await using var server = await TestServer.StartAsync();
        await CreateNoteAsync(server.Admin, "alpha", "Alpha roadmap", "roadmap and NOT much else");

        var (status, page) = await GetAsync(server.Admin, $"/v1/notes?q={Uri.EscapeDataString(query)}");

        Assert.True(status == 200, page.ToString());
        Assert.Equal(page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Search_ForWordsInOneNote_FindsItEvenWithOperatorsAround()
    {
        await using var server = await TestServer.StartAsync();
        var note = await CreateNoteAsync(server.Admin, "alpha", "Alpha roadmap", "roadmap and NOT much else");
        await CreateNoteAsync(server.Admin, "alpha", "Other", "nothing to see");

        var (status, page) = await GetAsync(server.Admin, $"/v1/notes?q={Uri.EscapeDataString("\"roadmap NOT")}");

        Assert.Equal(200, status);
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal(note.GetProperty("id").GetString(), page.GetProperty("items")[0].GetProperty("note").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Search_PagedWithCursor_HasExactTotalOnEveryPageAndNoRepeats()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 7; i++) await CreateNoteAsync(server.Admin, "alpha", $"Incident {i}", $"incident review number {i}");
        await CreateNoteAsync(server.Admin, "alpha", "Other", "unrelated");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/v1/notes?q=incident&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var (status, page) = await GetAsync(server.Admin, url);
            Assert.Equal(200, status);
            Assert.Equal(7, page.GetProperty("total").GetInt32());
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("note").GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Count);
        Assert.Equal(7, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("/v1/notes?include_global=yes", "include_global")]
    [InlineData("/v1/notes?include_archived=1", "include_archived")]
    [InlineData("/v1/notes?limit=0", "limit")]
    [InlineData("/v1/notes?limit=201", "limit")]
    [InlineData("/v1/notes?limit=ten", "limit")]
    public async Task Search_WithBadQueryValue_Is400NamingTheParameter(string url, string parameter)
    {
        await using var server = await TestServer.StartAsync();

        var (status, problem) = await GetAsync(server.Admin, url);

        Assert.Equal(400, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Theory]
    [InlineData("AWS access key id", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("GitHub token", "ghp_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc")]
    [InlineData("private key block", "-----BEGIN RSA PRIVATE KEY-----")]
    public async Task CreateNote_WithSecret_Is422NamingKindAndLine_NeverEchoingTheValue_AndStoresNothing(string kind, string secret)
    {
        await using var server = await TestServer.StartAsync();
        var content = $"How we deploy.\nThe credential: {secret}\nAsk ops for access.";

        using var response = await server.Admin.PostAsync("/v1/notes", Body(new { Venture = "alpha", Title = "Deploy notes", Content = content }));
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        var (_, all) = await GetAsync(server.Admin, "/v1/notes?venture=alpha&include_archived=true");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Equal("secret_detected", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(kind, detail);
        Assert.Contains("line 2", detail);
        Assert.DoesNotContain(secret, text);
        Assert.Equal(0, all.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task UpdateNote_WithSecret_Is422AndLeavesTheNoteAsItWas()
    {
        await using var server = await TestServer.StartAsync();
        var note = await CreateNoteAsync(server.Admin, "alpha", "Tokens", "Where tokens live: the vault.");
        var id = note.GetProperty("id").GetString();
        const string Secret = "xoxb-1234567890-abcdefghijkl";

        using var response = await server.Admin.PutAsync($"/v1/notes/{id}", Body(new { Content = $"slack bot: {Secret}" }));
        var text = await response.Content.ReadAsStringAsync();
        var (_, read) = await GetAsync(server.Admin, $"/v1/notes/{id}");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("Slack token", text);
        Assert.DoesNotContain(Secret, text);
        Assert.Equal("Where tokens live: the vault.", read.GetProperty("content").GetString());
    }

    [Fact]
    public async Task CreateNote_WithAgentKeyForAnotherVenture_Is403()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent", "beta");

        using var response = await server.Client(key).PostAsync("/v1/notes", Body(new { Venture = "alpha", Title = "t", Content = "c" }));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task CreateNote_WithMissingTitleAndWrongTagType_Is400NamingTheFields()
    {
        await using var server = await TestServer.StartAsync();

        using var missing = await server.Admin.PostAsync("/v1/notes", TestServer.Json("""{"venture":"alpha","content":"c"}"""));
        var missingProblem = await TestServer.ReadJsonAsync(missing);
        using var wrongType = await server.Admin.PostAsync("/v1/notes", TestServer.Json("""{"venture":"alpha","title":"t","content":"c","tags":"one"}"""));
        var wrongTypeProblem = await TestServer.ReadJsonAsync(wrongType);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True(missingProblem.GetProperty("errors").TryGetProperty("title", out _), missingProblem.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True(wrongTypeProblem.GetProperty("errors").TryGetProperty("tags", out _), wrongTypeProblem.ToString());
    }

    private static string[] Ids(params JsonElement[] notes) => [.. notes.Select(n => n.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];

    private static string[] Sorted(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("note").GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
}
