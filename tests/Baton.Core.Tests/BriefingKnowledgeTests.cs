using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Ventures;


namespace Baton.Core.Tests;

public class BriefingKnowledgeTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Venture Alpha = new("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, []);
    private static readonly Session Me = new("sess_me", "claude-a", "claude", "host", "alpha", "example-org/alpha-console", "main", null, "main", null,
        SessionStatus.Active, null, Now, Now, null, "k", "corr", null);

    private static Note Note(string id, string venture, string content, int hoursOld = 1) =>
        new(id, venture, $"Title {id}", content, ["executive-summary"], false, Now.AddHours(-hoursOld), Now.AddHours(-hoursOld), "k", null);

    private static DocSummary Doc(int i) => new("alpha", $"doc-{i:D2}.md", $"Doc {i}", 1, 2048, Now.AddDays(-1), null, false, "hash");

    private static string Build(BriefingKnowledge knowledge, int budget = 12_000) =>
        BriefingBuilder.Build(new BriefingInput(Alpha, Me, false, "local", null, new ListResult<Handoff>([], 0), new ListResult<Session>([], 0), budget, Now, knowledge));

    private static BriefingKnowledge Knowledge(IReadOnlyList<Note> notes, long? total = null, IReadOnlyList<DocSummary>? docs = null,
        DocAuditResult? audit = null, DocsFormat format = DocsFormat.Index, IReadOnlyList<Doc>? full = null, int notesMax = 12_000) =>
        new(new ListResult<Note>(notes, total ?? notes.Count), docs ?? [], full ?? [], audit, format, notesMax);

    [Fact]
    public void Build_Notes_KeepTheOrderGivenAndNameTheirOrigin()
    {
        var text = Build(Knowledge([Note("note_a", "alpha", "Ours."), Note("note_b", "beta", "Theirs."), Note("note_c", "global", "Everyone's.")]));

        var a = text.IndexOf("Title note_a", StringComparison.Ordinal);
        var b = text.IndexOf("Title note_b · venture beta", StringComparison.Ordinal);
        var c = text.IndexOf("Title note_c · global", StringComparison.Ordinal);
        Assert.True(a > 0 && b > a && c > b, text);
        Assert.Contains("## Enterprise notes (3)", text);
    }

    [Fact]
    public void Build_NoteBiggerThanTheWholeBudget_IsCutAtASentenceWithAPointerAndTheCutIsCounted()
    {
        var huge = string.Concat(Enumerable.Range(0, 2_000).Select(i => $"Sentence number {i} about the business. "));

        var text = Build(Knowledge([Note("note_big", "alpha", huge), Note("note_next", "alpha", "Small.")]), budget: 4_000);

        Assert.True(text.Length <= 4_000, $"length {text.Length}");
        Assert.Contains("… (cut to fit; whole: `baton note show note_big`)", text);
        Assert.Matches(@"about the business\.\n… \(cut to fit", text);
        Assert.Contains("## Enterprise notes (showing 1 of 2)", text);
        Assert.Contains("- Enterprise notes: 1 of 2 not shown", text);
    }

    [Fact]
    public void Build_NotesSectionCap_HoldsEvenWithAHugeBudget()
    {
        var notes = Enumerable.Range(0, 60).Select(i => Note($"note_{i:D2}", "alpha", new string('x', 900) + ".")).ToList();

        var text = Build(Knowledge(notes, total: 200, notesMax: 12_000), budget: 200_000);

        var start = text.IndexOf("## Enterprise notes", StringComparison.Ordinal);
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        Assert.True(section.Length <= 12_000, $"notes section {section.Length}");
        Assert.Matches(@"## Enterprise notes \(showing \d+ of 200\)", section);
    }

    [Fact]
    public void Build_FortyDocsAsIndex_CostAFewCharactersEachNotTheirContent()
    {
        var docs = Enumerable.Range(0, 40).Select(Doc).ToList();

        var text = Build(Knowledge([], docs: docs));

        var start = text.IndexOf("## Docs (40)", StringComparison.Ordinal);
        Assert.True(start > 0, text);
        var section = text[start..text.IndexOf("---", start, StringComparison.Ordinal)];
        Assert.True(section.Length < 40 * 60, $"docs index {section.Length} characters");
        Assert.Contains("- alpha/doc-07.md · v1 · 2.0 KB · 2026-11-21", section);
        Assert.Contains("Fetch one with `baton doc <scope> <name>`", section);
    }

    [Fact]
    public void Build_DocsFormatFull_IncludesContentsWithinBudgetAndNoneLeavesThemOut()
    {
        var doc = new Doc("alpha", "runbook.md", "Runbook", "Restart with `make restart`.", "h", 28, null, 2, Now, "k", null, null, false);

        var full = Build(Knowledge([], docs: [DocSummary.From(doc)], format: DocsFormat.Full, full: [doc]));
        var none = Build(Knowledge([], docs: [DocSummary.From(doc)], format: DocsFormat.None));

        Assert.Contains("### alpha/runbook.md (v2)\n> Restart with `make restart`.", full);
        Assert.DoesNotContain("## Docs", none);
    }

    [Fact]
    public void Build_Audit_ShowsStatusAndEachFindingHonestlyCounted()
    {
        var audit = new DocAuditResult("alpha", AuditStatus.Incomplete,
            [new MissingDoc("alpha", "alpha-api.md", "r", true, ["routes"])],
            [new StaleDoc("alpha", "alpha-schema.md", "r2", 120, 90, false, [])], 3);

        var text = Build(Knowledge([], audit: audit));

        Assert.Contains("## Doc audit: incomplete (2)", text);
        Assert.Contains("- missing: alpha/alpha-api.md — can be generated: `baton docs heal --venture alpha`", text);
        Assert.Contains("- stale: alpha/alpha-schema.md — 120 days old (limit 90)", text);
    }
}
