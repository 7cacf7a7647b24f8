using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;


namespace Baton.Storage.Contract;

public abstract partial class KnowledgeStoreContractTests
{
    /// <summary>About 200 words of filler that never says any word the search tests look for.</summary>
    private static readonly string LongBody = string.Join(' ', Enumerable.Repeat(
        "The quarterly planning meeting covered hiring, the office move, budgets and travel for the autumn offsite.", 12));

    [Fact]
    public async Task SearchNotes_WordInTitle_RanksAboveASingleMentionInALongBody()
    {
        // The body note is written first, so an id tie-break alone would put it first: only the rank can reorder them.
        var inBody = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Miscellaneous", content: LongBody + " Also: kubernetes. " + LongBody));
        var inTitle = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Kubernetes upgrade", content: "Steps are in the runbook."));

        var page = await SearchAsync("kubernetes");

        Assert.Equal([inTitle.Id, inBody.Id], Ids(page));
        Assert.True(page.Items[0].Rank < page.Items[1].Rank, $"ranks {page.Items[0].Rank} and {page.Items[1].Rank} should order best (lowest) first");
    }

    [Fact]
    public async Task SearchNotes_WithAnInflectedWord_FindsNotesWithTheSameStem()
    {
        var deploying = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Release", content: "We are deploying the API on Fridays."));
        var deploy = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Deploy checklist", content: "Check the dashboards."));
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Unrelated", content: "Lunch menu."));

        Assert.Equal(new[] { deploying.Id, deploy.Id }.Order(), Ids(await SearchAsync("deploy")).Order());
        Assert.Equal(new[] { deploying.Id, deploy.Id }.Order(), Ids(await SearchAsync("deployed")).Order());
    }

    [Fact]
    public async Task SearchNotes_WithSeveralWords_FindsOnlyNotesHoldingEveryWord()
    {
        var both = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Billing", content: "Stripe webhooks retry for three days."));
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Billing", content: "Stripe invoices go out monthly."));

        var page = await SearchAsync("stripe webhooks");

        Assert.Equal([both.Id], Ids(page));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task SearchNotes_WhenTheWordIsInTheContent_SnippetMarksItInContext()
    {
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Finance", content: LongBody + " Then the falcon budget review closed the day. " + LongBody));

        var hit = Assert.Single((await SearchAsync("FALCON")).Items);

        Assert.Contains("**falcon**", hit.Snippet);
        Assert.Contains("…", hit.Snippet);
        Assert.True(hit.Snippet.Length < 200, $"a snippet is a short excerpt, not the note ({hit.Snippet.Length} characters): {hit.Snippet}");
    }

    [Fact]
    public async Task SearchNotes_WhenTheWordIsOnlyInTheTitle_SnippetComesFromTheTitle()
    {
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Osprey migration plan", content: "Move the data in three steps."));

        var hit = Assert.Single((await SearchAsync("osprey")).Items);

        Assert.Contains("**Osprey**", hit.Snippet);
    }

    [Fact]
    public async Task SearchNotes_WhenContentIsMarkdownWithBold_SnippetStillMarksTheMatch()
    {
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Rules", content: "**Important**: the kestrel queue must never block."));

        var hit = Assert.Single((await SearchAsync("kestrel")).Items);

        Assert.Contains("**kestrel**", hit.Snippet);
    }

    [Fact]
    public async Task SearchNotes_WithoutText_ListsNewestUpdatedFirstWithTheStartOfTheContent()
    {
        var venture = Some.VentureCode();
        var oldest = await GivenNoteAsync(Some.Note(venture, T0, content: "Short note."));
        var newest = await GivenNoteAsync(Some.Note(venture, T0.AddMinutes(2), content: LongBody));
        var middle = await GivenNoteAsync(Some.Note(venture, T0.AddMinutes(1)));
        // Updating the oldest makes it the most recently changed.
        await Knowledge.UpdateNoteAsync(oldest.Id, "Touched", null, null, T0.AddMinutes(3), Ct);

        var page = await SearchAsync(null);

        Assert.Equal([oldest.Id, newest.Id, middle.Id], Ids(page));
        Assert.Equal(3, page.Total);
        Assert.Equal("Short note.", page.Items[0].Snippet);
        Assert.StartsWith(LongBody[..100], page.Items[1].Snippet);
        Assert.EndsWith("…", page.Items[1].Snippet);
        Assert.InRange(page.Items[1].Snippet.Length, 100, 170);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("otter")]
    public async Task SearchNotes_WithEachFilterAndCombination_ReturnsExactlyTheMatchingNotesAndTheirTotal(string? text)
    {
        string a = Some.VentureCode(), b = Some.VentureCode();
        var a1 = await GivenNoteAsync(Some.Note(a, T0, content: "otter one", tags: ["x"]));
        var a2 = await GivenNoteAsync(Some.Note(a, T0, content: "otter two", tags: ["y"]));
        var b1 = await GivenNoteAsync(Some.Note(b, T0, content: "otter three", tags: ["x", "z"]));
        var g1 = await GivenNoteAsync(Some.Note(Venture.Global, T0, content: "otter four"));
        var g2 = await GivenNoteAsync(Some.Note(Venture.Global, T0, content: "otter five", tags: ["y"]));

        async Task Expect(Note[] expected, string[]? tags = null, string[]? ventures = null, string[]? exclude = null)
        {
            var page = await SearchAsync(text, tags, ventures, exclude);
            Assert.Equal(expected.Select(n => n.Id).Order(), Ids(page).Order());
            Assert.Equal(expected.Length, page.Total);
        }

        await Expect([a1, a2, b1, g1, g2]);
        await Expect([a1, b1], tags: ["x"]);
        await Expect([a1, a2, b1, g2], tags: ["x", "y"]);
        await Expect([], tags: ["no-such-tag"]);
        await Expect([a1, a2], ventures: [a]);
        await Expect([a1, a2, g1, g2], ventures: [a, Venture.Global]);
        await Expect([], ventures: []);
        await Expect([a1, a2, b1], exclude: [Venture.Global]);
        await Expect([g1, g2], exclude: [a, b]);
        await Expect([a1, a2, b1, g1, g2], exclude: []);
        await Expect([a2, g2], tags: ["y"], ventures: [a, Venture.Global]);
        await Expect([a1, a2], ventures: [a, b], exclude: [b]);
        await Expect([a2], tags: ["y"], exclude: [Venture.Global]);
        await Expect([b1], tags: ["z", "x"], ventures: [b, Venture.Global], exclude: [a]);
    }

    [Fact]
    public async Task SearchNotes_WithFiltersAndArchivedNotes_ExcludesArchivedUnlessAsked()
    {
        var a = Some.VentureCode();
        var live = await GivenNoteAsync(Some.Note(a, T0, content: "otter live", tags: ["x"]));
        var gone = await GivenNoteAsync(Some.Note(a, T0, content: "otter gone", tags: ["x"]));
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "otter elsewhere", tags: ["x"]));
        await Knowledge.SetNoteArchivedAsync(gone.Id, true, T0.AddMinutes(1), Ct);

        var hidden = await SearchAsync("otter", anyTags: ["x"], ventures: [a]);
        var shown = await SearchAsync("otter", anyTags: ["x"], ventures: [a], includeArchived: true);

        Assert.Equal([live.Id], Ids(hidden));
        Assert.Equal(1, hidden.Total);
        Assert.Equal(new[] { live.Id, gone.Id }.Order(), Ids(shown).Order());
        Assert.Equal(2, shown.Total);
    }

    [Theory]
    [InlineData("\"unbalanced", true)]
    [InlineData("AND", true)]
    [InlineData("OR NOT", true)]
    [InlineData("*", false)]
    [InlineData("-x", true)]
    [InlineData("title:foo", true)]
    [InlineData("NEAR(", true)]
    [InlineData("foo\" AND (x", true)]
    [InlineData("^foo*", true)]
    [InlineData("\"", false)]
    [InlineData("() : - + ^ * \"\"", false)]
    [InlineData("   ", false)]
    public async Task SearchNotes_WithTextAQueryParserWouldReject_SearchesTheWordsOrListsAll(string text, bool hasWords)
    {
        var matching = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Parser notes",
            content: "The titles of foo were unbalanced and near x, or not."));
        var other = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Lunch", content: "Completely different words here."));

        var page = await SearchAsync(text);

        // Words are searched as words; text with no word in it is no text filter at all.
        string[] expected = hasWords ? [matching.Id] : [matching.Id, other.Id];
        Assert.Equal(expected.Order(), Ids(page).Order());
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task SearchNotes_PagingThroughRankedHits_ReturnsEachOnceBestFirstWithAStableTotal()
    {
        var venture = Some.VentureCode();
        var expected = new HashSet<string>();
        for (var i = 0; i < 45; i++)
        {
            // Different densities of the word give different ranks, and several share one, so ties must page stably too.
            var content = string.Join(' ', Enumerable.Repeat("walrus", 1 + i % 5)) + " " + string.Join(' ', Enumerable.Repeat("filler", i));
            expected.Add((await GivenNoteAsync(Some.Note(venture, T0, title: $"Note {i}", content: content))).Id);
        }
        await GivenNoteAsync(Some.Note(venture, T0, content: "No sea mammals here."));

        var all = await Paging.ReadAllAsync(cursor => SearchAsync("walrus", limit: 20, cursor: cursor), expectedTotal: 45, expectedPages: 3);

        Assert.Equal(45, all.Select(h => h.Note.Id).Distinct().Count());
        Assert.True(expected.SetEquals(all.Select(h => h.Note.Id)));
        var ranks = all.Select(h => h.Rank).ToList();
        Assert.Equal(ranks.Order(), ranks);
    }

    [Fact]
    public async Task SearchNotes_PagingWithoutText_ReturnsEachOnceNewestFirstWithAStableTotal()
    {
        var venture = Some.VentureCode();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++) ids.Add((await GivenNoteAsync(Some.Note(venture, T0.AddSeconds(i)))).Id);
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0));

        var all = await Paging.ReadAllAsync(cursor => SearchAsync(null, ventures: [venture], limit: 10, cursor: cursor),
            expectedTotal: 25, expectedPages: 3);

        Assert.Equal(ids.AsEnumerable().Reverse(), all.Select(h => h.Note.Id));
    }

    [Fact]
    public async Task SearchNotes_WithLimitOutOfRange_ClampsItBetweenOneAndTwoHundred()
    {
        var venture = Some.VentureCode();
        // Concurrent inserts share commits, which keeps 201 notes quick to write.
        await Task.WhenAll(Enumerable.Range(0, 201).Select(i => Knowledge.InsertNoteAsync(Some.Note(venture, T0.AddSeconds(i), content: "gull"), Ct)));

        var zero = await SearchAsync("gull", limit: 0);
        var huge = await SearchAsync("gull", limit: 10_000);
        var hugeWithoutText = await SearchAsync(null, limit: 10_000);

        Assert.Single(zero.Items);
        Assert.NotNull(zero.NextCursor);
        Assert.Equal(201, zero.Total);
        Assert.Equal(200, huge.Items.Count);
        Assert.NotNull(huge.NextCursor);
        Assert.Equal(200, hugeWithoutText.Items.Count);
        Assert.Equal(201, hugeWithoutText.Total);
    }

    [Fact]
    public async Task SearchNotes_WhenNothingMatches_ReturnsAnEmptyPageWithZeroTotal()
    {
        await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "Some words."));

        var page = await SearchAsync("albatross");

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("-1")]
    [InlineData("note_01M8RKQ7E1TYB8JDN73X7QDH6Y")]
    public async Task Search_WithACursorNoListGaveOut_IsInvalidCursorLikeTheKeysetLists(string cursor)
    {
        var venture = Some.VentureCode();
        await GivenNoteAsync(Some.Note(venture, T0, content: "walrus"));

        var withText = await Assert.ThrowsAsync<BatonException>(() => SearchAsync("walrus", cursor: cursor));
        var withoutText = await Assert.ThrowsAsync<BatonException>(() => SearchAsync(null, ventures: [venture], cursor: cursor));

        Assert.Equal(ErrorCodes.InvalidCursor, withText.Code);
        Assert.Equal(ErrorCodes.InvalidCursor, withoutText.Code);
    }
}
