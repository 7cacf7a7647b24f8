using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

public sealed class KnowledgeToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    [Fact]
    public async Task Note_ThenNotes_FindsItInTheCurrentVentureWithAnHonestCount()
    {
        await _mcp.CallAsync("sod");

        var created = (await _mcp.CallAsync("note", new { title = "Pricing decision", content = "We charge per seat, not per agent.", tags = new[] { "executive-summary" } })).Ok();
        var found = (await _mcp.CallAsync("notes", new { query = "seat" })).Ok();

        Assert.Equal("alpha", created.Data().GetProperty("venture").GetString());
        Assert.Equal(1, found.Data().GetProperty("total").GetInt64());
        Assert.Equal("1", found.Data().GetProperty("count").GetString());
        Assert.Contains("Pricing decision", found.Text());
    }

    [Fact]
    public async Task Note_UpdateById_ChangesTheContent()
    {
        var id = (await _mcp.CallAsync("note", new { title = "Runbook", content = "Restart with systemctl.", venture = "global" })).Ok()
            .Data().GetProperty("id").GetString();

        var updated = (await _mcp.CallAsync("note", new { id, content = "Restart with the deploy script." })).Ok();

        Assert.Equal("Restart with the deploy script.", updated.Data().GetProperty("content").GetString());
    }

    [Fact]
    public async Task Note_CreateWithoutContent_IsRefusedWithWhatToGive()
    {
        var result = (await _mcp.CallAsync("note", new { title = "Only a title" })).Failed();

        Assert.Contains("give both title and content", result.Text());
    }

    [Fact]
    public async Task Notes_LimitOutOfRange_IsRefusedBeforeSearching()
    {
        var result = (await _mcp.CallAsync("notes", new { limit = 500 })).Failed();

        Assert.Contains("limit must be between 1 and 50", result.Text());
    }

    [Fact]
    public async Task Doc_Unknown_ErrorSaysHowToListDocs()
    {
        var result = (await _mcp.CallAsync("doc", new { scope = "alpha", name = "nope.md" })).Failed();

        Assert.Equal("doc_not_found", result.Data().GetProperty("error").GetString());
    }

    [Fact]
    public async Task DocAudit_WithHealFalse_ReportsMissingWithoutUploading()
    {
        var result = (await _mcp.CallAsync("doc_audit", new { venture = "alpha", heal = false })).Ok();
        var docs = await _mcp.Services.Docs.ListDocsAsync("alpha", TestTimeouts.Token());

        Assert.Equal("incomplete", result.Data().GetProperty("audit_after").GetProperty("status").GetString());
        Assert.Contains("healing was not asked for", result.Text());
        Assert.Equal(0, docs.Total);
    }

    [Fact]
    public async Task DocAudit_Heal_UploadsTheGeneratedDocAndTheNextAuditIsComplete()
    {
        var healed = (await _mcp.CallAsync("doc_audit", new { venture = "alpha" })).Ok();
        var again = (await _mcp.CallAsync("doc_audit", new { venture = "alpha" })).Ok();

        Assert.Equal(1, healed.Data().GetProperty("healed").GetArrayLength());
        Assert.Equal("complete", again.Data().GetProperty("audit_after").GetProperty("status").GetString());
        Assert.Contains("nothing to heal", again.Text());
    }
}
