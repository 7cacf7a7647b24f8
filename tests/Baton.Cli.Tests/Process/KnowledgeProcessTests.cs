using System.Text.Json;
using System.Text.RegularExpressions;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton note</c>, <c>notes</c>, <c>doc</c> and <c>docs</c> as a person or a CI job runs them, against the built binary.
/// The same tests run in local mode and in server mode (a real <c>baton serve</c>), so both answer the same.
/// </summary>
public abstract partial class KnowledgeProcessTests : IAsyncLifetime
{
    // Looks like a GitHub token to the secret scanner; made up, valid nowhere.
    private const string FakeGitHubToken = "ghp_EXAMPLEexample0123456789EXAMPLEexam01";

    protected Workspace Workspace { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Workspace.Dispose();
        return Task.CompletedTask;
    }

    // ---- notes ----

    [Fact]
    public async Task Note_AddSearchShowArchive_RoundTripsWithTheVentureFromTheGitRemote()
    {
        var add = await Workspace.RunAsync("note", "add", "--title", "Pricing model",
            "--content", "We charge per seat; enterprise contracts get volume discounts.", "--tag", "executive-summary");
        var id = NoteIdIn(add);
        var search = await Workspace.RunAsync("notes", "seat", "--venture", "alpha");
        var show = await Workspace.RunAsync("note", "show", id);
        var archive = await Workspace.RunAsync("note", "archive", id);
        var afterArchive = await Workspace.RunAsync("notes", "seat");
        var withArchived = await Workspace.RunAsync("notes", "seat", "--archived", "--json");

        Assert.Contains("for alpha", add.Out); // no --venture: found from the origin remote, as `baton sod` does
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Contains(id, search.Out);
        Assert.Contains("**seat**", search.Out);
        Assert.Contains("1 note", search.Out);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("# Pricing model", show.Out);
        Assert.Contains("volume discounts", show.Out);
        Assert.Contains("executive-summary", show.Out);
        Assert.True(archive.ExitCode == 0, archive.ToString());
        Assert.Contains("0 notes", afterArchive.Out);
        using var json = JsonDocument.Parse(withArchived.Out);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
        Assert.True(json.RootElement.GetProperty("items")[0].GetProperty("note").GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task NoteAdd_TextOnStandardInput_IsStored()
    {
        var add = await Workspace.RunWithInputAsync("Deploys go out on Tuesdays, staging first.\n",
            "note", "add", "--venture", "global", "--title", "Deploy days", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        using var json = JsonDocument.Parse(add.Out);
        Assert.Equal("global", json.RootElement.GetProperty("venture").GetString());
        Assert.Contains("Deploys go out on Tuesdays", json.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public async Task NoteAdd_NoTextGivenAndNothingPiped_IsAUsageErrorSayingHowToGiveIt()
    {
        var add = await Workspace.RunWithInputAsync("", "note", "add", "--title", "Empty");

        Assert.Equal(2, add.ExitCode);
        Assert.Contains("--content", add.Error);
    }

    [Fact]
    public async Task NoteAdd_ContentWithASecret_ExitsOneNamingTheKindAndNeverPrintsTheValue()
    {
        var add = await Workspace.RunAsync("note", "add", "--title", "CI setup", "--content", $"The CI bot token is {FakeGitHubToken} for now.");
        var notes = await Workspace.RunAsync("notes", "--json");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("secret_detected", add.Error);
        Assert.Contains("GitHub token", add.Error);
        Assert.DoesNotContain(FakeGitHubToken, add.Error);
        Assert.DoesNotContain(FakeGitHubToken, add.Out);
        using var json = JsonDocument.Parse(notes.Out);
        Assert.Equal(0, json.RootElement.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task NoteUpdate_NewTitleAndTags_ShowsInTheNextShow()
    {
        var id = NoteIdIn(await Workspace.RunAsync("note", "add", "--title", "Old", "--content", "Hiring plan for Q3.", "--tag", "draft"));

        var update = await Workspace.RunAsync("note", "update", id, "--title", "Hiring plan", "--tag", "executive-summary");
        var show = await Workspace.RunAsync("note", "show", id, "--json");

        Assert.True(update.ExitCode == 0, update.ToString());
        using var json = JsonDocument.Parse(show.Out);
        Assert.Equal("Hiring plan", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("Hiring plan for Q3.", json.RootElement.GetProperty("content").GetString());
        Assert.Equal(["executive-summary"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Notes_MoreHitsThanTheLimit_SayShowingNOfMAndHowToGetTheNextPage()
    {
        for (var i = 0; i < 3; i++)
        {
            var add = await Workspace.RunAsync("note", "add", "--title", $"Outage {i}", "--content", $"The pager outage number {i}.");
            Assert.True(add.ExitCode == 0, add.ToString());
        }

        var page = await Workspace.RunAsync("notes", "pager", "outage", "--limit", "2");

        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Contains("showing 2 of 3 notes", page.Out);
        Assert.Contains("--cursor", page.Out);
    }

    // ---- docs ----

    [Fact]
    public async Task DocsSync_RunTwice_SecondRunUploadsNothingAndAChangedFileAloneGoesUp()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Workspace.Root, "published")).FullName;
        File.WriteAllText(Path.Combine(folder, "alpha-runbook.md"), "# Runbook\n\nRestart the worker (v1).\n");
        File.WriteAllText(Path.Combine(folder, "alpha-oncall.md"), "# On call\n\nPage the owner.\n");
        File.WriteAllText(Path.Combine(folder, "alpha-release.md"), "# Release\n\nTag, then deploy.\n");
        File.WriteAllText(Path.Combine(folder, ".gitkeep"), "");

        var first = await Workspace.RunAsync("docs", "sync", folder, "--scope", "alpha");
        var second = await Workspace.RunAsync("docs", "sync", folder, "--scope", "alpha");
        // Same size, different bytes: only the content hash can tell, so this exercises the hash comparison.
        File.WriteAllText(Path.Combine(folder, "alpha-runbook.md"), "# Runbook\n\nRestart the worker (v2).\n");
        var third = await Workspace.RunAsync("docs", "sync", folder, "--scope", "alpha", "--json");
        var index = await Workspace.RunAsync("docs", "--venture", "alpha", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("3 uploaded, 0 unchanged.", first.Out);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("0 uploaded, 3 unchanged.", second.Out);
        using var report = JsonDocument.Parse(third.Out);
        Assert.Equal(1, report.RootElement.GetProperty("stored").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("unchanged").GetInt32());
        using var docs = JsonDocument.Parse(index.Out);
        var versions = docs.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("version").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["alpha-oncall.md"] = 1, ["alpha-release.md"] = 1, ["alpha-runbook.md"] = 2 }, versions);
    }

    [Fact]
    public async Task DocsUpload_ThenChanged_StoresV2AndDocShowsEitherVersion()
    {
        var file = Path.Combine(Workspace.Root, "security-policy.md");
        const string v1 = "# Security policy\n\nRotate keys yearly.\n";
        const string v2 = "# Security policy\n\nRotate keys every quarter.\n";
        File.WriteAllText(file, v1);

        var first = await Workspace.RunAsync("docs", "upload", file, "--scope", "global", "--doc-type", "policy");
        var again = await Workspace.RunAsync("docs", "upload", file, "--scope", "global");
        File.WriteAllText(file, v2);
        var changed = await Workspace.RunAsync("docs", "upload", file, "--scope", "global");
        var showV1 = await Workspace.RunAsync("doc", "global", "security-policy.md", "--version", "1");
        var showCurrent = await Workspace.RunAsync("doc", "global", "security-policy.md");
        var index = await Workspace.RunAsync("docs", "--venture", "alpha");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("global/security-policy.md stored v1", first.Out);
        Assert.Contains("global/security-policy.md unchanged v1", again.Out);
        Assert.Contains("global/security-policy.md stored v2", changed.Out);
        Assert.True(showV1.ExitCode == 0, showV1.ToString());
        Assert.Equal(v1, showV1.Out);
        Assert.Equal(v2, showCurrent.Out);
        Assert.Contains("security-policy.md", index.Out);
        Assert.Contains("v2", index.Out);
        Assert.Contains("1 doc", index.Out);
    }

    [Fact]
    public async Task Doc_UnknownVersion_ExitsOneSayingHowToSeeTheCurrentOne()
    {
        var file = Path.Combine(Workspace.Root, "alpha-runbook.md");
        File.WriteAllText(file, "# Runbook\n\nRestart.\n");
        var upload = await Workspace.RunAsync("docs", "upload", file, "--scope", "alpha");

        var show = await Workspace.RunAsync("doc", "alpha", "alpha-runbook.md", "--version", "5");

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("doc_not_found", show.Error);
        Assert.Contains("baton doc alpha alpha-runbook.md", show.Error);
    }

    [Fact]
    public async Task DocsUpload_OneFileWithASecret_UploadsTheOthersAndExitsOneNamingTheRefusedFile()
    {
        var good = Path.Combine(Workspace.Root, "alpha-good.md");
        var bad = Path.Combine(Workspace.Root, "alpha-bad.md");
        File.WriteAllText(good, "# Good\n\nNothing secret.\n");
        File.WriteAllText(bad, $"# Bad\n\nexport GH={FakeGitHubToken}\n");

        var upload = await Workspace.RunAsync("docs", "upload", good, bad, "--scope", "alpha");

        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("alpha/alpha-good.md stored v1", upload.Out);
        Assert.Contains("alpha-bad.md: not uploaded", upload.Out);
        Assert.Contains("secret_detected", upload.Out);
        Assert.DoesNotContain(FakeGitHubToken, upload.Out + upload.Error);
        Assert.Contains("1 stored, 0 unchanged, 1 failed.", upload.Out);
    }

    [Fact]
    public async Task DocsAudit_FreshVenture_IsIncompleteListingWhatIsMissingAndThatHealCanMakeIt()
    {
        var audit = await Workspace.RunAsync("docs", "audit");
        var json = await Workspace.RunAsync("docs", "audit", "--venture", "alpha", "--json");

        Assert.True(audit.ExitCode == 0, audit.ToString());
        Assert.Contains("Doc audit of alpha: incomplete", audit.Out);
        Assert.Contains("missing  alpha/alpha-api.md", audit.Out);
        Assert.Contains("missing  alpha/alpha-project-instructions.md", audit.Out);
        Assert.Contains("baton docs heal", audit.Out);
        using var parsed = JsonDocument.Parse(json.Out);
        Assert.Equal("incomplete", parsed.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task DocsHeal_RepoWithNoUsableSources_ReportsWhyForEachDocAndExitsOne()
    {
        // The workspace repo is an empty clone: no README, manifests, routes or OpenAPI files.
        var heal = await Workspace.RunAsync("docs", "heal");
        var audit = await Workspace.RunAsync("docs", "audit", "--json");

        Assert.Equal(1, heal.ExitCode);
        Assert.Contains("not healed  alpha/alpha-api.md", heal.Out);
        Assert.Contains("not healed  alpha/alpha-project-instructions.md", heal.Out);
        Assert.Contains("no source had content", heal.Out);
        Assert.Contains("0 healed, 2 not healed", heal.Out);
        using var parsed = JsonDocument.Parse(audit.Out);
        Assert.Equal("incomplete", parsed.RootElement.GetProperty("status").GetString());
    }

    protected static string NoteIdIn(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var match = Regex.Match(result.Out, @"note_[0-9A-Z]{26}");
        Assert.True(match.Success, "no note id in:\n" + result);
        return match.Value;
    }
}

/// <summary>The knowledge verbs in local mode: no BATON_URL, the SQLite store in the default data directory.</summary>
public sealed class LocalKnowledgeProcessTests : KnowledgeProcessTests;

/// <summary>The knowledge verbs in server mode, through a real <c>baton serve</c> with the admin key.</summary>
public sealed class ServerKnowledgeProcessTests : KnowledgeProcessTests
{
    private ServeProcess _server = null!;

    public override async Task InitializeAsync()
    {
        _server = await Workspace.StartServeAsync();
        Workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        Workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
    }

    public override async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
