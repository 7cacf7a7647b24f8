using Baton.Core.Knowledge;
using Baton.Core.Ventures;


namespace Baton.Storage.Contract;

public abstract partial class KnowledgeStoreContractTests
{
    [Fact]
    public async Task PutDoc_WhenNew_StoresVersionOneWhateverTheCandidateSays()
    {
        var candidate = Some.Doc(Venture.Global, "runbook.md", "# Runbook\n\nRestart it.", T0) with { Version = 7, Generated = true };

        var put = await Knowledge.PutDocAsync(candidate, Ct);

        Assert.True(put.Changed);
        Assert.Equal(candidate with { Version = 1 }, put.Doc);
        Assert.Equal(put.Doc, await Knowledge.FindDocOrNullAsync(Venture.Global, "runbook.md", null, Ct));
        Assert.Equal(put.Doc, await Knowledge.FindDocOrNullAsync(Venture.Global, "runbook.md", 1, Ct));
    }

    [Fact]
    public async Task PutDoc_WithTheSameContent_ChangesNothingAndReturnsTheStoredDoc()
    {
        var scope = Some.VentureCode();
        var first = (await Knowledge.PutDocAsync(Some.Doc(scope, "api.md", "same text", T0, title: "First title"), Ct)).Doc;

        // Same bytes, different metadata and time: still the same doc.
        var again = await Knowledge.PutDocAsync(Some.Doc(scope, "api.md", "same text", T0.AddDays(1), title: "Other title"), Ct);

        Assert.False(again.Changed);
        Assert.Equal(first, again.Doc);
        Assert.Equal(first, await Knowledge.FindDocOrNullAsync(scope, "api.md", null, Ct));
        Assert.Null(await Knowledge.FindDocOrNullAsync(scope, "api.md", 2, Ct));
    }

    [Fact]
    public async Task PutDoc_WithChangedContent_BumpsTheVersionAndKeepsEveryEarlierVersionReadable()
    {
        var scope = Some.VentureCode();
        var v1 = Some.Doc(scope, "schema.md", "version one", T0);
        var v2 = Some.Doc(scope, "schema.md", "version two, longer", T0.AddDays(1));
        var v3 = Some.Doc(scope, "schema.md", "version three", T0.AddDays(2)) with { DocType = null, SourceRepo = null, SourcePath = null, UploadedBy = null };

        var puts = new List<DocPut>();
        foreach (var doc in new[] { v1, v2, v3 }) puts.Add(await Knowledge.PutDocAsync(doc, Ct));

        Assert.All(puts, p => Assert.True(p.Changed));
        Assert.Equal([1, 2, 3], puts.Select(p => p.Doc.Version));
        Assert.Equal(v1 with { Version = 1 }, await Knowledge.FindDocOrNullAsync(scope, "schema.md", 1, Ct));
        Assert.Equal(v2 with { Version = 2 }, await Knowledge.FindDocOrNullAsync(scope, "schema.md", 2, Ct));
        Assert.Equal(v3 with { Version = 3 }, await Knowledge.FindDocOrNullAsync(scope, "schema.md", 3, Ct));
        Assert.Equal(v3 with { Version = 3 }, await Knowledge.FindDocOrNullAsync(scope, "schema.md", null, Ct));
        Assert.Null(await Knowledge.FindDocOrNullAsync(scope, "schema.md", 4, Ct));
    }

    [Fact]
    public async Task PutDoc_BackToAnEarlierContent_IsANewVersion()
    {
        var scope = Some.VentureCode();
        await Knowledge.PutDocAsync(Some.Doc(scope, "a.md", "alpha", T0), Ct);
        await Knowledge.PutDocAsync(Some.Doc(scope, "a.md", "beta", T0), Ct);

        var back = await Knowledge.PutDocAsync(Some.Doc(scope, "a.md", "alpha", T0), Ct);

        Assert.True(back.Changed);
        Assert.Equal(3, back.Doc.Version);
    }

    [Fact]
    public async Task PutDoc_SameNameInAnotherScope_IsAnotherDoc()
    {
        var scope = Some.VentureCode();
        await Knowledge.PutDocAsync(Some.Doc(scope, "readme.md", "venture text", T0), Ct);

        var global = await Knowledge.PutDocAsync(Some.Doc(Venture.Global, "readme.md", "venture text", T0), Ct);

        Assert.True(global.Changed);
        Assert.Equal(1, global.Doc.Version);
        Assert.Equal(Venture.Global, global.Doc.Scope);
    }

    [Fact]
    public async Task FindDocOrNull_WhenUnknown_ReturnsNull()
    {
        Assert.Null(await Knowledge.FindDocOrNullAsync(Venture.Global, "missing.md", null, Ct));
        Assert.Null(await Knowledge.FindDocOrNullAsync(Venture.Global, "missing.md", 1, Ct));
    }

    [Fact]
    public async Task ListDocs_ForScopes_ListsOnlyTheirCurrentDocsOrderedByScopeThenName()
    {
        var venture = Some.VentureCode();
        var other = Some.VentureCode();
        await Knowledge.PutDocAsync(Some.Doc(venture, "z.md", "z", T0), Ct);
        var changed = await Knowledge.PutDocAsync(Some.Doc(venture, "a.md", "a", T0), Ct);
        changed = await Knowledge.PutDocAsync(Some.Doc(venture, "a.md", "a, edited", T0.AddDays(1)), Ct);
        var global = await Knowledge.PutDocAsync(Some.Doc(Venture.Global, "m.md", "m", T0), Ct);
        await Knowledge.PutDocAsync(Some.Doc(other, "b.md", "b", T0), Ct);

        var docs = await Knowledge.ListDocsAsync([venture, Venture.Global], Ct);

        var expected = new[] { (Venture.Global, "m.md"), (venture, "a.md"), (venture, "z.md") }.Order().ToList();
        Assert.Equal(expected, docs.Select(d => (d.Scope, d.Name)));
        Assert.Equal(DocSummary.From(changed.Doc), docs.Single(d => d.Name == "a.md"));
        Assert.Equal(DocSummary.From(global.Doc), docs.Single(d => d.Name == "m.md"));
        Assert.Equal(2, docs.Single(d => d.Name == "a.md").Version);
    }

    [Fact]
    public async Task ListDocs_WithNoScopes_ReturnsNothing()
    {
        await Knowledge.PutDocAsync(Some.Doc(Venture.Global, "m.md", "m", T0), Ct);

        Assert.Empty(await Knowledge.ListDocsAsync([], Ct));
    }
}
