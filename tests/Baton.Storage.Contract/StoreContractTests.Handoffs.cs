using Baton.Core.Common;
using Baton.Core.Handoffs;


namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task InsertHandoff_ThenFind_ReturnsEveryFieldWithPayloadVerbatim()
    {
        var venture = await GivenVentureAsync();
        var source = await GivenVentureAsync();
        var handoff = Some.Handoff(venture.Code, T0, sourceVenture: source.Code, issueNumber: null) with { ToAgent = null };

        await Store.InsertHandoffAsync(handoff, Ct);

        var found = await Store.FindHandoffOrNullAsync(handoff.Id, Ct);
        Assert.Equal(handoff, found);
        Assert.Equal(handoff.Payload, found?.Payload);
    }

    [Fact]
    public async Task FindHandoffOrNull_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Store.FindHandoffOrNullAsync(Some.Id("ho"), Ct));
    }

    [Fact]
    public async Task ListHandoffs_WithFilters_ReturnsOnlyMatchesNewestFirst()
    {
        var venture = await GivenVentureAsync();
        var other = await GivenVentureAsync();
        var a1 = Some.Handoff(venture.Code, T0, repo: "org/a", track: "main", issueNumber: 1);
        var a2 = Some.Handoff(venture.Code, T0, repo: "org/a", track: "main", issueNumber: 2);
        var aDocs = Some.Handoff(venture.Code, T0, repo: "org/a", track: "docs", issueNumber: 1);
        var b = Some.Handoff(venture.Code, T0, repo: "org/b", track: "main", issueNumber: 1);
        var elsewhere = Some.Handoff(other.Code, T0, repo: "org/a", track: "main", issueNumber: 1);
        foreach (var h in new[] { a1, a2, aDocs, b, elsewhere }) await Store.InsertHandoffAsync(h, Ct);

        async Task<Page<Handoff>> List(string? repo, string? track, int? issue) =>
            await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, repo, track, issue, PageRequest.First()), Ct);

        Assert.Equal([b.Id, aDocs.Id, a2.Id, a1.Id], (await List(null, null, null)).Items.Select(h => h.Id));
        Assert.Equal([aDocs.Id, a2.Id, a1.Id], (await List("org/a", null, null)).Items.Select(h => h.Id));
        var track = await List("org/a", "main", null);
        Assert.Equal([a2.Id, a1.Id], track.Items.Select(h => h.Id));
        Assert.Equal(2, track.Total);
        Assert.Equal([b.Id, aDocs.Id, a1.Id], (await List(null, null, 1)).Items.Select(h => h.Id));
        Assert.Equal(5, (await Store.ListHandoffsAsync(new HandoffQuery(null, null, null, null, PageRequest.First()), Ct)).Total);
    }

    [Fact]
    public async Task ListHandoffs_ByOrigin_SeparatesOwnFromAddressed()
    {
        var venture = await GivenVentureAsync();
        var sender = await GivenVentureAsync();
        var own = Some.Handoff(venture.Code, T0);
        var addressed = Some.Handoff(venture.Code, T0, sourceVenture: sender.Code);
        var sendersOwn = Some.Handoff(sender.Code, T0);
        foreach (var h in new[] { own, addressed, sendersOwn }) await Store.InsertHandoffAsync(h, Ct);

        async Task<Page<Handoff>> List(HandoffOrigin origin) =>
            await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First(), origin), Ct);

        var ownPage = await List(HandoffOrigin.Own);
        var addressedPage = await List(HandoffOrigin.Addressed);
        var anyPage = await List(HandoffOrigin.Any);

        Assert.Equal([own.Id], ownPage.Items.Select(h => h.Id));
        Assert.Equal(1, ownPage.Total);
        Assert.Equal([addressed.Id], addressedPage.Items.Select(h => h.Id));
        Assert.Equal(sender.Code, addressedPage.Items[0].SourceVenture);
        Assert.Equal(1, addressedPage.Total);
        Assert.Equal(2, anyPage.Total);
    }

    [Fact]
    public async Task ListHandoffs_PagingThroughAllPages_ReturnsEachOnceNewestFirstWithStableTotal()
    {
        var venture = await GivenVentureAsync();
        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var h = Some.Handoff(venture.Code, T0.AddSeconds(i));
            ids.Add(h.Id);
            await Store.InsertHandoffAsync(h, Ct);
        }
        // Noise in another track must not leak into the filtered pages or their total.
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0, track: "other"), Ct);

        var all = await ReadAllPagesAsync(
            cursor => Store.ListHandoffsAsync(new HandoffQuery(venture.Code, "example-org/alpha", "main", null, new PageRequest(10, cursor)), Ct),
            expectedTotal: 25, expectedPages: 3);

        Assert.Equal(ids.AsEnumerable().Reverse(), all.Select(h => h.Id));
    }

    [Fact]
    public async Task ListHandoffs_WhenExactlyOnePageFull_HasNoNextCursor()
    {
        var venture = await GivenVentureAsync();
        for (var i = 0; i < 3; i++) await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0), Ct);

        var page = await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, new PageRequest(3, null)), Ct);

        Assert.Equal(3, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("20")]
    [InlineData("sess_01M8RKQ7E1TYB8JDN73X7QDH6Y")]
    public async Task ListHandoffs_WithACursorNoListGaveOut_IsInvalidCursorNotAPage(string cursor)
    {
        var venture = await GivenVentureAsync();
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0), Ct);

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, new PageRequest(3, cursor)), Ct));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }
}
