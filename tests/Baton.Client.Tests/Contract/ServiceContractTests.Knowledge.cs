using Baton.Core.Common;
using Baton.Core.Knowledge;


namespace Baton.Client.Tests.Contract;

/// <summary>The knowledge side of the contract: notes (write, search, update, archive, secret refusal) and docs.</summary>
public abstract partial class ServiceContractTests
{
    // Looks like an AWS access key id to the scanner; made up, valid nowhere.
    private const string FakeAwsKey = "AKIAZZZZEXAMPLE00001";

    // ---- notes ----

    [Fact]
    public async Task CreateNote_ThenGet_ReturnsTheSameFieldsWithNormalisedTags()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var title = Some.Text("Pricing");

        var created = await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", title, "We charge per seat.", ["Executive-Summary", "pricing"]), _ct);
        var got = await services.Notes.GetNoteAsync(created.Id, _ct);

        Assert.StartsWith("note_", created.Id);
        Assert.Equal("alpha", got.Venture);
        Assert.Equal(title, got.Title);
        Assert.Equal("We charge per seat.", got.Content);
        Assert.Equal(["executive-summary", "pricing"], got.Tags);
        Assert.False(got.Archived);
        Assert.Equal(created.CreatedAt, got.CreatedAt);
    }

    [Fact]
    public async Task CreateNote_MultiLineContent_IsStoredAsWritten()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        const string content = "Deploys go out on Tuesdays.\n\n- staging first\n- then production\n";

        var created = await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Deploys", content), _ct);

        Assert.Equal(content.TrimEnd(), (await services.Notes.GetNoteAsync(created.Id, _ct)).Content.TrimEnd());
    }

    [Fact]
    public async Task SearchNotes_WordsAndFilters_FindOnlyMatchingNotesWithMarkedSnippetsAndExactTotals()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var word = Some.Word("zebra"); // unique, so only this test's notes match
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Alpha one", $"The {word} migration is done.", ["ops"]), _ct);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Alpha two", $"Another {word} note."), _ct);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("beta", "Beta", $"Beta mentions {word} too."), _ct);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("global", "Global", $"Everyone: {word}."), _ct);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Unrelated", "Nothing to see here."), _ct);

        var all = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: word), _ct);
        var alphaWithGlobal = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: word, Venture: "alpha"), _ct);
        var alphaOnly = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: word, Venture: "alpha", IncludeGlobal: false, Limit: 1), _ct);
        var tagged = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: word, Tag: "ops"), _ct);

        Assert.Equal(4, all.Total);
        Assert.All(all.Items, hit => Assert.Contains($"**{word}**", hit.Snippet));
        Assert.Equal(3, alphaWithGlobal.Total);
        Assert.Equal(["alpha", "global"], alphaWithGlobal.Items.Select(h => h.Note.Venture).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, alphaOnly.Total);
        Assert.Single(alphaOnly.Items);
        Assert.NotNull(alphaOnly.NextCursor);
        Assert.Equal("Alpha one", Assert.Single(tagged.Items).Note.Title);
    }

    [Fact]
    public async Task SearchNotes_QueryAFullTextParserWouldReject_StillSearchesAsWords()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Quotes", "the release AND the rollback"), _ct);

        var hits = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: "\"rollback AND ("), _ct);

        Assert.Equal(1, hits.Total);
    }

    [Fact]
    public async Task UpdateNote_NewTitleContentAndTags_AreStoredAndSearchFollowsTheNewText()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var created = await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Old title", "mentions walrus", ["old"]), _ct);

        var updated = await services.Notes.UpdateNoteAsync(created.Id, new UpdateNoteRequest("New title", "mentions narwhal", ["new"]), _ct);
        var byOldWord = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: "walrus"), _ct);
        var byNewWord = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: "narwhal"), _ct);

        Assert.Equal("New title", updated.Title);
        Assert.Equal("mentions narwhal", updated.Content);
        Assert.Equal(["new"], updated.Tags);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.Equal(0, byOldWord.Total);
        Assert.Equal(created.Id, Assert.Single(byNewWord.Items).Note.Id);
    }

    [Fact]
    public async Task ArchiveNote_LeavesSearchesUnlessArchivedNotesAreAskedFor()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var created = await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Old plan", "the okapi plan"), _ct);

        var archived = await services.Notes.ArchiveNoteAsync(created.Id, _ct);
        var live = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: "okapi"), _ct);
        var withArchived = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Q: "okapi", IncludeArchived: true), _ct);

        Assert.True(archived.Archived);
        Assert.Equal(0, live.Total);
        Assert.True(Assert.Single(withArchived.Items).Note.Archived);
    }

    [Fact]
    public async Task CreateNote_ContentWithAnAccessKey_ThrowsSecretDetectedNamingTheKindAndLineButNotTheValue()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Creds", $"the deploy user uses {FakeAwsKey}"), _ct));
        var search = await services.Notes.SearchNotesAsync(new NoteSearchRequest(Venture: "alpha"), _ct);

        Assert.Equal(ErrorCodes.SecretDetected, error.Code);
        Assert.Contains("AWS access key", error.Detail);
        Assert.Contains("line 1", error.Detail);
        Assert.DoesNotContain(FakeAwsKey, error.Detail);
        Assert.Equal(0, search.Total);
    }

    [Fact]
    public async Task GetNote_Unknown_ThrowsNoteNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Notes.GetNoteAsync("note_01J00000000000000000000000", _ct));

        Assert.Equal(ErrorCodes.NoteNotFound, error.Code);
    }

    // ---- docs ----

    [Fact]
    public async Task PutDoc_SameContentAgain_IsANoOpThatSaysSoAndChangedContentBumpsTheVersion()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var first = await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Runbook v1", DocType: "runbook"), _ct);
        var same = await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Runbook v1", DocType: "runbook"), _ct);
        var changed = await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Runbook v2"), _ct);

        Assert.True(first.Changed);
        Assert.Equal(1, first.Doc.Version);
        Assert.False(same.Changed);
        Assert.Equal(1, same.Doc.Version);
        Assert.Contains("nothing changed", same.Message);
        Assert.True(changed.Changed);
        Assert.Equal(2, changed.Doc.Version);
        Assert.Equal("Runbook v2", changed.Doc.Title);
    }

    [Fact]
    public async Task GetDoc_EarlierVersion_StaysReadableWithItsOwnHash()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Runbook v1"), _ct);
        await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Runbook v2"), _ct);

        var current = await services.Docs.GetDocAsync("alpha", "alpha-runbook.md", null, _ct);
        var first = await services.Docs.GetDocAsync("alpha", "alpha-runbook.md", 1, _ct);
        var missing = await Assert.ThrowsAsync<BatonException>(() => services.Docs.GetDocAsync("alpha", "alpha-runbook.md", 3, _ct));

        Assert.Equal(2, current.Version);
        Assert.Equal("# Runbook v2", current.Content);
        Assert.Equal(1, first.Version);
        Assert.Equal("# Runbook v1", first.Content);
        Assert.Equal(Sha256Hex("# Runbook v1"), first.ContentHash);
        Assert.NotEqual(first.ContentHash, current.ContentHash);
        Assert.Equal(ErrorCodes.DocNotFound, missing.Code);
    }

    [Fact]
    public async Task PutDoc_MultiLineMarkdown_IsStoredByteForByte()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        const string content = "# Runbook\n\nRestart the worker:\n\n\tsystemctl restart worker\n";

        var put = await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest(content), _ct);
        var got = await services.Docs.GetDocAsync("alpha", "alpha-runbook.md", null, _ct);

        Assert.Equal(content, got.Content);
        Assert.Equal(Sha256Hex(content), got.ContentHash);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(content), put.Doc.SizeBytes);
    }

    [Fact]
    public async Task ListDocs_ForAVenture_ShowsItsOwnAndGlobalDocsButNotOtherVenturesWithExactTotal()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        await services.Docs.PutDocAsync("alpha", "alpha-runbook.md", new PutDocRequest("# Alpha runbook"), _ct);
        await services.Docs.PutDocAsync("beta", "beta-runbook.md", new PutDocRequest("# Beta runbook"), _ct);
        await services.Docs.PutDocAsync("global", "security.md", new PutDocRequest("# Security"), _ct);

        var alpha = await services.Docs.ListDocsAsync("alpha", _ct);
        var everything = await services.Docs.ListDocsAsync(null, _ct);

        Assert.Equal(2, alpha.Total);
        Assert.Equal(["alpha/alpha-runbook.md", "global/security.md"], alpha.Items.Select(d => $"{d.Scope}/{d.Name}").Order(StringComparer.Ordinal));
        Assert.Equal(3, everything.Total);
        var runbook = alpha.Items.Single(d => d.Name == "alpha-runbook.md");
        Assert.Equal("Alpha runbook", runbook.Title);
        Assert.Equal(1, runbook.Version);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("# Alpha runbook"), runbook.SizeBytes);
    }

    [Fact]
    public async Task Audit_FreshVentureThenRequiredDocsUploaded_GoesFromIncompleteToComplete()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var before = await services.Docs.AuditAsync("alpha", _ct);
        foreach (var missing in before.Missing)
        {
            await services.Docs.PutDocAsync(missing.Scope, missing.Name, new PutDocRequest("# " + missing.Name, Generated: true), _ct);
        }
        var after = await services.Docs.AuditAsync("alpha", _ct);

        Assert.Equal(AuditStatus.Incomplete, before.Status);
        // alpha has has_api but not has_database: the instructions and the API doc are required, the schema doc is not.
        Assert.Equal(["alpha-api.md", "alpha-project-instructions.md"], before.Missing.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(before.Missing, m => Assert.True(m.CanGenerate));
        Assert.Equal(AuditStatus.Complete, after.Status);
        Assert.Empty(after.Missing);
        Assert.Equal(before.Required, after.Required);
    }

    [Fact]
    public async Task Requirements_CreateListDelete_RoundTripAndChangeTheAudit()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var created = await services.Docs.PutRequirementAsync(null, new DocRequirementRequest("{venture}-oncall.md", RequirementScope.Venture, Venture: "beta", StalenessDays: 7), _ct);
        var listed = await services.Docs.ListRequirementsAsync(_ct);
        var audit = await services.Docs.AuditAsync("beta", _ct);
        await services.Docs.DeleteRequirementAsync(created.Id, _ct);
        var afterDelete = await services.Docs.ListRequirementsAsync(_ct);
        var gone = await Assert.ThrowsAsync<BatonException>(() => services.Docs.DeleteRequirementAsync(created.Id, _ct));

        Assert.Equal(7, listed.Single(r => r.Id == created.Id).StalenessDays);
        Assert.Contains(audit.Missing, m => m.Name == "beta-oncall.md" && !m.CanGenerate);
        Assert.DoesNotContain(afterDelete, r => r.Id == created.Id);
        Assert.Equal(ErrorCodes.RequirementNotFound, gone.Code);
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
