using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Support.KnowledgeCalls;

namespace Baton.Server.Tests;

/// <summary>The knowledge side of SOD over HTTP: docs_format, the audit line, enterprise notes and the budget.</summary>
public sealed class KnowledgeSodTests
{
    private const string Marker = "RESTART-THE-QUEUE-WORKER-FIRST";

    [Fact]
    public async Task Sod_WithDocsFormatIndex_ListsDocsWithoutContent_AndCarriesDocsAuditAndNotesFields()
    {
        await using var server = await TestServer.StartAsync();
        await PutDocOkAsync(server.Admin, "alpha", "alpha-runbook.md", $"# Runbook\n{Marker}\n");

        var sod = await SodAsync(server.Admin, "alpha", docsFormat: "index");
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.Contains("## Docs (1)", briefing);
        Assert.Contains("alpha/alpha-runbook.md · v1", briefing);
        Assert.Contains("baton doc <scope> <name>", briefing);
        Assert.DoesNotContain(Marker, briefing);
        Assert.DoesNotContain(Marker, sod.ToString());
        Assert.Equal(1, sod.GetProperty("docs").GetProperty("total").GetInt32());
        Assert.Equal("alpha-runbook.md", sod.GetProperty("docs").GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal("incomplete", sod.GetProperty("doc_audit").GetProperty("status").GetString());
        Assert.Equal(0, sod.GetProperty("notes").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Sod_WithoutDocsFormat_DefaultsToTheIndex()
    {
        await using var server = await TestServer.StartAsync();
        await PutDocOkAsync(server.Admin, "alpha", "alpha-runbook.md", $"# Runbook\n{Marker}\n");

        var sod = await SodAsync(server.Admin, "alpha");
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.Contains("alpha/alpha-runbook.md · v1", briefing);
        Assert.DoesNotContain(Marker, briefing);
    }

    [Fact]
    public async Task Sod_WithDocsFormatFull_CarriesWholeContents()
    {
        await using var server = await TestServer.StartAsync();
        await PutDocOkAsync(server.Admin, "alpha", "alpha-runbook.md", $"# Runbook\n{Marker}\n");
        await PutDocOkAsync(server.Admin, "global", "security-policy.md", "# Security\nRotate keys yearly.\n");

        var sod = await SodAsync(server.Admin, "alpha", docsFormat: "full");
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.Contains("### alpha/alpha-runbook.md (v1)", briefing);
        Assert.Contains(Marker, briefing);
        Assert.Contains("Rotate keys yearly.", briefing);
    }

    [Fact]
    public async Task Sod_WithDocsFormatNone_HasNoDocsSection_ButKeepsTheAuditLine()
    {
        await using var server = await TestServer.StartAsync();
        await PutDocOkAsync(server.Admin, "alpha", "alpha-runbook.md", $"# Runbook\n{Marker}\n");

        var sod = await SodAsync(server.Admin, "alpha", docsFormat: "none");
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.DoesNotContain("## Docs", briefing);
        Assert.DoesNotContain("alpha/alpha-runbook.md", briefing);
        Assert.Contains("## Doc audit: incomplete", briefing);
    }

    [Fact]
    public async Task Sod_WithBadDocsFormat_Is400NamingDocsFormatAndTheAllowedValues()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod",
            TestServer.Json("""{"agent":"a1","venture":"alpha","repo":"alpha-console","docs_format":"pdf"}"""));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("must be one of: index, full, none.", problem.GetProperty("errors").GetProperty("docs_format")[0].GetString());
    }

    [Fact]
    public async Task Sod_ShowsTheAuditStatusWithMissingAndStaleItems()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        await PutDocOkAsync(server.Admin, "alpha", "alpha-project-instructions.md", "# Alpha");
        clock.Advance(TimeSpan.FromDays(91));

        var incomplete = (await SodAsync(server.Admin, "alpha")).GetProperty("briefing").GetString()!;
        await PutDocOkAsync(server.Admin, "alpha", "alpha-api.md", "# API");
        var warning = await SodAsync(server.Admin, "alpha");
        await PutDocOkAsync(server.Admin, "alpha", "alpha-project-instructions.md", "# Alpha, refreshed");
        var complete = (await SodAsync(server.Admin, "alpha")).GetProperty("briefing").GetString()!;

        Assert.Contains("## Doc audit: incomplete (2)", incomplete);
        Assert.Contains("- missing: alpha/alpha-api.md — can be generated", incomplete);
        Assert.Contains("- stale: alpha/alpha-project-instructions.md — 91 days old (limit 90)", incomplete);
        Assert.Contains("## Doc audit: warning (1)", warning.GetProperty("briefing").GetString());
        Assert.Equal("warning", warning.GetProperty("doc_audit").GetProperty("status").GetString());
        Assert.Contains("## Doc audit: complete", complete);
        Assert.Contains("All 2 required docs are present and fresh.", complete);
    }

    [Fact]
    public async Task Sod_ShowsExecutiveSummaryNotes_ThisVentureNewestFirst_ThenOtherVentures_ThenGlobal()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        string[] tags = ["executive-summary"];
        // Created oldest-relevant-last, so neither creation order nor plain recency gives the expected order.
        var global = await CreateNoteAsync(server.Admin, "global", "Company mission", "Ship calm software.", tags);
        clock.Advance(TimeSpan.FromMinutes(1));
        var alphaOld = await CreateNoteAsync(server.Admin, "alpha", "Alpha market", "SMB accounting firms.", tags);
        clock.Advance(TimeSpan.FromMinutes(1));
        var beta = await CreateNoteAsync(server.Admin, "beta", "Beta status", "Paused until Q3.", tags);
        clock.Advance(TimeSpan.FromMinutes(1));
        var alphaNew = await CreateNoteAsync(server.Admin, "alpha", "Alpha pricing", "Per seat, annual.", tags);
        clock.Advance(TimeSpan.FromMinutes(1));
        await CreateNoteAsync(server.Admin, "alpha", "Alpha lunch order", "Not business context.", ["misc"]);

        var sod = await SodAsync(server.Admin, "alpha");
        var briefing = sod.GetProperty("briefing").GetString()!;

        Assert.Equal(Ids(alphaNew, alphaOld, beta, global), Strings(sod.GetProperty("notes").GetProperty("items"), "id"));
        Assert.Equal(4, sod.GetProperty("notes").GetProperty("total").GetInt32());
        Assert.Contains("## Enterprise notes (4)", briefing);
        var positions = new[] { "Alpha pricing", "Alpha market", "Beta status · venture beta", "Company mission · global" }.Select(t => briefing.IndexOf(t, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("Per seat, annual.", briefing);
        Assert.DoesNotContain("Alpha lunch order", briefing);
    }

    [Fact]
    public async Task Sod_ForVentureWith40DocsAnd200Notes_StaysWithinBudgetAndCountsHonestly()
    {
        await using var server = await TestServer.StartAsync(o => o.RateLimitPerMinute = 0);
        var paragraph = "This is a paragraph of business context about customers, pricing and the roadmap. " +
                        "It is long enough that two hundred of them cannot fit any reasonable budget.\n\n";
        for (var i = 0; i < 200; i++)
            await CreateNoteAsync(server.Admin, "alpha", $"Summary {i:D3}", string.Concat(Enumerable.Repeat(paragraph, 3)), ["executive-summary"]);
        for (var i = 0; i < 40; i++)
            await PutDocOkAsync(server.Admin, "alpha", $"alpha-doc-{i:D2}.md", $"# Doc {i}\n{Marker} {i}\n" + string.Concat(Enumerable.Repeat(paragraph, 20)));

        var standard = await SodAsync(server.Admin, "alpha");
        var small = await SodAsync(server.Admin, "alpha", budgetChars: 4_000);

        var briefing = standard.GetProperty("briefing").GetString()!;
        Assert.InRange(briefing.Length, 1, 12_000);
        var shown = int.Parse(Regex.Match(briefing, @"## Enterprise notes \(showing (\d+) of 200\)").Groups[1].Value);
        Assert.InRange(shown, 1, 199);
        Assert.Matches(@"## Docs \(showing \d+ of 40\)|## Docs \(40\)", briefing);
        Assert.DoesNotContain(Marker, briefing);
        Assert.Contains("Left out to stay within 12,000 characters", briefing);
        Assert.Equal(200, standard.GetProperty("notes").GetProperty("total").GetInt32());
        Assert.Equal(40, standard.GetProperty("docs").GetProperty("total").GetInt32());

        var smallBriefing = small.GetProperty("briefing").GetString()!;
        Assert.InRange(smallBriefing.Length, 1, 4_000);
        Assert.Matches(@"showing \d+ of 200|Enterprise notes: 200 of 200 not shown|notes 200/200", smallBriefing);
    }

    private static string[] Ids(params JsonElement[] notes) => [.. notes.Select(n => n.GetProperty("id").GetString()!)];
}
