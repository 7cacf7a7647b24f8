using Baton.Core.Ventures;


namespace Baton.Storage.Contract;

public abstract partial class KnowledgeStoreContractTests
{
    [Fact]
    public async Task InsertNote_ThenFind_ReturnsEveryField()
    {
        var note = Some.Note(Venture.Global, T0, tags: ["executive-summary", "ops"]) with { ActorKeyId = null, Source = null };

        await Knowledge.InsertNoteAsync(note, Ct);

        var found = await Knowledge.FindNoteOrNullAsync(note.Id, Ct);
        Assert.NotNull(found);
        Assert.Equal(note with { Tags = [] }, found with { Tags = [] });
        Assert.Equal(note.Tags, found.Tags);
    }

    [Fact]
    public async Task FindNoteOrNull_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Knowledge.FindNoteOrNullAsync(Some.Id("note"), Ct));
    }

    [Fact]
    public async Task UpdateNote_WithOnlyTitle_ChangesTitleAndUpdatedAtAndKeepsTheRest()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, tags: ["ops"]));
        var later = T0.AddMinutes(5);

        var updated = await Knowledge.UpdateNoteAsync(note.Id, "A better title", null, null, later, Ct);

        Assert.NotNull(updated);
        Assert.Equal("A better title", updated.Title);
        Assert.Equal(later, updated.UpdatedAt);
        Assert.Equal(note.CreatedAt, updated.CreatedAt);
        Assert.Equal(note.Content, updated.Content);
        Assert.Equal(note.Tags, updated.Tags);
        var found = await Knowledge.FindNoteOrNullAsync(note.Id, Ct);
        Assert.Equal("A better title", found?.Title);
    }

    [Fact]
    public async Task UpdateNote_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Knowledge.UpdateNoteAsync(Some.Id("note"), "title", "content", ["x"], T0, Ct));
    }

    [Fact]
    public async Task UpdateNote_WithNewContent_ReindexesSoOldWordsNoLongerMatchAndNewOnesDo()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Runbook", content: "Restart the flamingo service."));
        Assert.Equal([note.Id], Ids(await SearchAsync("flamingo")));

        await Knowledge.UpdateNoteAsync(note.Id, null, "Restart the pelican service.", null, T0.AddMinutes(1), Ct);

        var old = await SearchAsync("flamingo");
        Assert.Empty(old.Items);
        Assert.Equal(0, old.Total);
        Assert.Equal([note.Id], Ids(await SearchAsync("pelican")));
    }

    [Fact]
    public async Task UpdateNote_WithNewTitle_ReindexesTheTitle()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, title: "Walrus notes", content: "Nothing else here."));

        await Knowledge.UpdateNoteAsync(note.Id, "Narwhal notes", null, null, T0.AddMinutes(1), Ct);

        Assert.Empty((await SearchAsync("walrus")).Items);
        Assert.Equal([note.Id], Ids(await SearchAsync("narwhal")));
    }

    [Fact]
    public async Task UpdateNote_WithNewTags_TagFilterFollowsTheNewTags()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, tags: ["old-tag"]));

        var updated = await Knowledge.UpdateNoteAsync(note.Id, null, null, ["new-tag", "other"], T0.AddMinutes(1), Ct);

        Assert.Equal(["new-tag", "other"], updated?.Tags);
        Assert.Empty((await SearchAsync(null, anyTags: ["old-tag"])).Items);
        Assert.Equal([note.Id], Ids(await SearchAsync(null, anyTags: ["new-tag"])));
    }

    [Fact]
    public async Task SetNoteArchived_HidesTheNoteFromDefaultSearchesButNotFromFind()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "The heron pipeline."));
        var later = T0.AddHours(1);

        var archived = await Knowledge.SetNoteArchivedAsync(note.Id, true, later, Ct);

        Assert.NotNull(archived);
        Assert.True(archived.Archived);
        Assert.Equal(later, archived.UpdatedAt);
        Assert.True((await Knowledge.FindNoteOrNullAsync(note.Id, Ct))?.Archived);
        var withText = await SearchAsync("heron");
        var withoutText = await SearchAsync(null);
        Assert.Empty(withText.Items);
        Assert.Equal(0, withText.Total);
        Assert.Empty(withoutText.Items);
        Assert.Equal(0, withoutText.Total);
    }

    [Fact]
    public async Task SearchNotes_IncludingArchived_FindsArchivedAndLiveNotes()
    {
        var live = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "The heron pipeline, live."));
        var gone = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "The heron pipeline, retired."));
        await Knowledge.SetNoteArchivedAsync(gone.Id, true, T0.AddMinutes(1), Ct);

        var withText = await SearchAsync("heron", includeArchived: true);
        var withoutText = await SearchAsync(null, includeArchived: true);

        Assert.Equal(new[] { live.Id, gone.Id }.Order(), Ids(withText).Order());
        Assert.Equal(2, withText.Total);
        Assert.Equal(2, withoutText.Total);
    }

    [Fact]
    public async Task SetNoteArchived_False_BringsTheNoteBack()
    {
        var note = await GivenNoteAsync(Some.Note(Some.VentureCode(), T0, content: "The heron pipeline."));
        await Knowledge.SetNoteArchivedAsync(note.Id, true, T0.AddMinutes(1), Ct);

        var restored = await Knowledge.SetNoteArchivedAsync(note.Id, false, T0.AddMinutes(2), Ct);

        Assert.False(restored?.Archived);
        Assert.Equal([note.Id], Ids(await SearchAsync("heron")));
    }

    [Fact]
    public async Task SetNoteArchived_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Knowledge.SetNoteArchivedAsync(Some.Id("note"), true, T0, Ct));
    }
}
