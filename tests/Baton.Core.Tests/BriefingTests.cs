using System.Text.Json.Nodes;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Tests;

public class BriefingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Venture Alpha = new("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, []);

    private static Session Session(string id, string agent = "claude-a") => new(
        id, agent, "claude", "host", "alpha", "example-org/alpha-console", "main", 12, "feature/x", "abc123",
        SessionStatus.Active, null, Now.AddHours(-1), Now.AddMinutes(-3), null, "k", "corr_x", null);

    private static Handoff Handoff(string id, string summary, int steps = 3, string? source = null)
    {
        var payload = new JsonObject
        {
            ["summary"] = summary,
            ["accomplished"] = new JsonArray(Enumerable.Range(1, steps).Select(i => (JsonNode?)JsonValue.Create($"Did thing {i}. It took a while.")).ToArray()),
            ["next_steps"] = new JsonArray(Enumerable.Range(1, steps).Select(i => (JsonNode?)JsonValue.Create($"Next thing {i}.")).ToArray()),
        };
        var canonical = CanonicalJson.Serialize(payload);
        return new Handoff(id, null, "alpha", "example-org/alpha-console", "main", null, "gemini-b", null, HandoffStatus.InProgress,
            summary, canonical, "hash", canonical.Length, source, Now.AddHours(-2), "k", "corr_y");
    }

    private static BriefingInput Input(
        int budget = 12_000, Handoff? last = null, IReadOnlyList<Handoff>? addressed = null, long? addressedTotal = null,
        IReadOnlyList<Session>? others = null, long? othersTotal = null) =>
        new(Alpha, Session("sess_me"), Resumed: false, "http://127.0.0.1:8765", last,
            new ListResult<Handoff>(addressed ?? [], addressedTotal ?? addressed?.Count ?? 0),
            new ListResult<Session>(others ?? [], othersTotal ?? others?.Count ?? 0), budget, Now);

    [Fact]
    public void Build_Always_StartsWithSpatialAnchorThenDirective()
    {
        var text = BriefingBuilder.Build(Input());

        Assert.StartsWith("# Project Alpha (alpha)\n", text);
        Assert.Contains("repo: example-org/alpha-console · branch: feature/x", text);
        Assert.Contains("session: sess_me (new)", text);
        Assert.Contains("server: http://127.0.0.1:8765", text);
        var directive = text.IndexOf("All GitHub issues this session target example-org/alpha-console. Targeting a different repo? STOP.", StringComparison.Ordinal);
        Assert.True(directive > 0 && directive < text.IndexOf("## Last handoff", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SectionsInDesignOrder_LastHandoffThenAddressedThenOthers()
    {
        var text = BriefingBuilder.Build(Input(last: Handoff("ho_1", "Wired the login"), addressed: [Handoff("ho_2", "From beta", source: "beta")], others: [Session("sess_2", "codex-c")]));

        var last = text.IndexOf("## Last handoff (1)", StringComparison.Ordinal);
        var addressed = text.IndexOf("## Handoffs addressed to this venture (1)", StringComparison.Ordinal);
        var others = text.IndexOf("## Other active sessions (1)", StringComparison.Ordinal);
        Assert.True(last > 0 && addressed > last && others > addressed, text);
        Assert.Contains("Wired the login", text);
        Assert.Contains("(venture beta, example-org/alpha-console)", text);
        Assert.Contains("codex-c", text);
        Assert.Contains("Nothing was left out.", text);
    }

    [Fact]
    public void Build_PageSmallerThanTotal_SaysShowingNOfTotalNeverTheBareNumber()
    {
        var others = Enumerable.Range(0, 20).Select(i => Session($"sess_{i:D3}", $"agent-{i}")).ToList();

        var text = BriefingBuilder.Build(Input(others: others, othersTotal: 270));

        Assert.Contains("## Other active sessions (showing 20 of 270)", text);
        Assert.Contains("250 more not shown: `baton sessions --venture alpha --status active`", text);
        Assert.Contains("- Other active sessions: 250 of 270 not shown", text);
        Assert.DoesNotContain("## Other active sessions (20)", text);
    }

    [Fact]
    public void Build_SmallBudget_NeverExceedsItAndSaysWhatWasLeftOut()
    {
        var others = Enumerable.Range(0, 20).Select(i => Session($"sess_{i:D3}", $"agent-{i}")).ToList();
        var addressed = Enumerable.Range(0, 20).Select(i => Handoff($"ho_{i}", $"Addressed work {i}", steps: 10, source: "beta")).ToList();

        var text = BriefingBuilder.Build(Input(budget: 2_500, last: Handoff("ho_last", "Long one", steps: 40), addressed: addressed, others: others));

        Assert.True(text.Length <= 2_500, $"length {text.Length}");
        Assert.Contains("Left out to stay within 2,500 characters:", text);
        Assert.Matches(@"## Other active sessions \(showing \d+ of 20\)", text);
    }

    [Fact]
    public void Build_SessionWithSpend_ShowsItOnTheSessionLine()
    {
        var text = BriefingBuilder.Build(Input() with { Spend = new Baton.Core.Spend.SpendTotals(3, 2, 12_000, 345, 0.4199m) });
        var none = BriefingBuilder.Build(Input() with { Spend = Baton.Core.Spend.SpendTotals.None });

        Assert.Contains("- session: sess_me (new) · agent: claude-a · spent 12,345 tokens · $0.42\n", text);
        Assert.Contains("- session: sess_me (new) · agent: claude-a\n", none);
    }

    [Fact]
    public void Build_MinimumBudgetWithTheLargestSpendAndLongFields_StaysWithinBudget()
    {
        var longName = new string('v', 200);
        var input = Input(budget: BriefingComposer.MinBudgetChars, last: Handoff("ho_1", "Tiny", steps: 0),
            others: Enumerable.Range(0, 20).Select(i => Session($"sess_{i:D3}", $"agent-{i}")).ToList()) with
        {
            Venture = Alpha with { Name = longName },
            Session = Session("sess_me", new string('a', 100)) with { Branch = new string('b', 250), Track = new string('t', 100) },
            Spend = new Baton.Core.Spend.SpendTotals(long.MaxValue / 4, 1, long.MaxValue / 4, long.MaxValue / 4, 999_999_999_999.99m),
        };

        var text = BriefingBuilder.Build(input);

        Assert.True(text.Length <= BriefingComposer.MinBudgetChars, $"length {text.Length}");
        Assert.Contains("## Last handoff (1)", text);
    }

    [Fact]
    public void Build_MinimumBudget_StillShowsASmallLastHandoffRatherThanReservingForTheWorstCaseFooter()
    {
        var text = BriefingBuilder.Build(Input(budget: BriefingComposer.MinBudgetChars, last: Handoff("ho_1", "Tiny", steps: 0),
            others: Enumerable.Range(0, 20).Select(i => Session($"sess_{i:D3}", $"agent-{i}")).ToList()));

        Assert.True(text.Length <= BriefingComposer.MinBudgetChars, $"length {text.Length}");
        Assert.Contains("## Last handoff (1)", text);
        Assert.Contains("- Other active sessions:", text);
    }

    [Fact]
    public void Build_LastHandoffLargerThanItsShare_IsCutAtABoundaryWithAPointerToTheWhole()
    {
        var text = BriefingBuilder.Build(Input(budget: 3_000, last: Handoff("ho_last", "Huge", steps: 200)));

        Assert.True(text.Length <= 3_000);
        Assert.Contains("## Last handoff (1)", text);
        Assert.Contains("… (cut to fit; whole: `baton handoffs --venture alpha --repo example-org/alpha-console --track main --limit 1 --json`)", text);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(1_500)]
    [InlineData(4_000)]
    [InlineData(12_000)]
    [InlineData(60_000)]
    public void Build_ManyShapesOfInput_NeverExceedBudget(int budget)
    {
        var random = new Random(budget);
        for (var round = 0; round < 40; round++)
        {
            var others = Enumerable.Range(0, random.Next(0, 22)).Select(i => Session($"sess_{i}", new string('a', random.Next(1, 90)))).ToList();
            var addressed = Enumerable.Range(0, random.Next(0, 21)).Select(i => Handoff($"ho_{i}", new string('s', random.Next(1, 300)), random.Next(0, 60), "beta")).ToList();
            var last = random.Next(2) == 0 ? null : Handoff("ho_last", "Last", random.Next(0, 500));

            var text = BriefingBuilder.Build(Input(budget, last, addressed, addressed.Count + random.Next(0, 500), others, others.Count + random.Next(0, 500)));

            Assert.True(text.Length <= budget, $"round {round}: {text.Length} > {budget}");
            Assert.StartsWith("# Project Alpha (alpha)", text);
        }
    }

    [Fact]
    public void Build_Over50KB_CarriesAVisibleWarning()
    {
        var addressed = Enumerable.Range(0, 20).Select(i => Handoff($"ho_{i}", $"Work {i}", steps: 60, source: "beta")).ToList();

        var text = BriefingBuilder.Build(Input(budget: 200_000, last: Handoff("ho_last", "Last", 200), addressed: addressed));

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) > BriefingComposer.WarningThresholdBytes, $"length {text.Length}");
        Assert.Contains("WARNING: this briefing is over 50 KB", text);
        Assert.True(text.IndexOf("WARNING", StringComparison.Ordinal) < text.IndexOf("## Last handoff", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Under50KB_HasNoWarning()
    {
        Assert.DoesNotContain("WARNING", BriefingBuilder.Build(Input(budget: 200_000, last: Handoff("ho_last", "Last"))));
    }

    [Fact]
    public void CutAtBoundary_PrefersParagraphThenSentence()
    {
        const string text = "First paragraph is here.\n\nSecond paragraph. It has two sentences. And a third one that is long.";

        Assert.Equal("First paragraph is here.", BriefingComposer.CutAtBoundary(text, 40));
        Assert.Equal("First paragraph is here.\n\nSecond paragraph. It has two sentences.", BriefingComposer.CutAtBoundary(text, 75));
        Assert.Equal("nowor", BriefingComposer.CutAtBoundary("nowordsboundary", 5));
    }

    [Fact]
    public void Compose_UnknownTotal_SaysTotalUnknown()
    {
        var section = new BriefingSection("Things", 1, [new BriefingItem("- one"), new BriefingItem("- two")], Total: null, "`baton things`", "none");

        var text = BriefingComposer.Compose("# h\n", [section], 2_000);

        Assert.Contains("## Things (2 shown, total unknown)", text);
        Assert.Contains("more may exist: `baton things`", text);
    }
}
