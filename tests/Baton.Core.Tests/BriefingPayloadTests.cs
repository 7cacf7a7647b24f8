using System.Text.Json.Nodes;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Tests;

/// <summary>
/// A handoff's payload may hold 800 KB of canonical JSON; the briefing shows its lists within a budget. It reads only
/// the lists, and only as far as the budget can show, and the briefing is the same as when every entry is rendered.
/// </summary>
public class BriefingPayloadTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Venture Alpha = new("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, []);

    /// <summary>
    /// Every list long, entries of every JSON kind (strings with line breaks and markdown, numbers, objects, null,
    /// blanks), and a large free payload between the lists in canonical order.
    /// </summary>
    private static Handoff Big(string id, int entries = 150, int freeKb = 500)
    {
        JsonArray List(string what) => new(Enumerable.Range(0, entries).Select(i => Entry(what, i)).ToArray());
        static JsonNode? Entry(string what, int i) => (i % 17) switch
        {
            3 => JsonValue.Create(i),
            5 => new JsonObject { ["step"] = i, ["note"] = $"ü{what}" },
            7 => null,
            11 => JsonValue.Create("   "),
            13 => JsonValue.Create($"{what} {i}: first line\n# not a heading\n- not a line of ours"),
            _ => JsonValue.Create($"{what} {i}: " + new string('x', 40 + i % 300) + ". More words follow here."),
        };
        var payload = new JsonObject
        {
            ["summary"] = $"Big handoff {id}\nWith a second line.",
            ["status"] = "in_progress",
            ["accomplished"] = List("done"),
            ["in_progress"] = List("doing"),
            ["blocked"] = List("stuck"),
            ["next_steps"] = List("next"),
            ["success_criteria"] = List("criterion"),
            ["payload"] = new JsonObject { ["log"] = new JsonArray(Enumerable.Range(0, freeKb).Select(i => (JsonNode?)JsonValue.Create(new string('y', 1000))).ToArray()) },
        };
        var canonical = CanonicalJson.Serialize(payload);
        return new Handoff(id, null, "alpha", "example-org/alpha-console", "main", null, "gemini-b", null, HandoffStatus.InProgress,
            $"Big handoff {id}\nWith a second line.", canonical, "hash", canonical.Length, null, Now.AddHours(-2), "k", "corr_y");
    }

    private static BriefingInput Input(int budget, Handoff last, IReadOnlyList<Handoff> addressed) =>
        new(Alpha,
            new Session("sess_me", "claude-a", "claude", "host", "alpha", "example-org/alpha-console", "main", null, "main", null,
                SessionStatus.Active, null, Now, Now, null, "k", "corr_x", null),
            Resumed: false, "local", last, new ListResult<Handoff>(addressed, addressed.Count), new ListResult<Session>([], 0), budget, Now);

    [Theory]
    [InlineData(1_000)]
    [InlineData(4_321)]
    [InlineData(12_000)]
    [InlineData(60_000)]
    [InlineData(250_000)]
    [InlineData(1_000_000)]
    public void Build_HandoffsWithLongLists_SameBriefingAsWhenEveryEntryIsRendered(int budget)
    {
        var input = Input(budget, Big("ho_last", freeKb: 50), [Big("ho_a", freeKb: 10), Big("ho_b", entries: 40, freeKb: 0)]);

        var bounded = BriefingBuilder.Build(input);
        var everything = BriefingBuilder.Build(input, boundHandoffs: false);

        Assert.Equal(everything, bounded);
        Assert.Contains("## Last handoff", bounded);
    }

    [Fact]
    public void Build_HandoffWithALargeFreePayload_AllocatesNoMoreThanWithoutIt()
    {
        var large = Input(12_000, Big("ho_last", freeKb: 600), []);
        var none = Input(12_000, Big("ho_last", freeKb: 0), []);
        var withLarge = AllocatedBy(() => BriefingBuilder.Build(large));
        var without = AllocatedBy(() => BriefingBuilder.Build(none));

        Assert.True(large.LastHandoff!.Payload.Length > 600_000);
        // Only the shown lists are read: the 600 KB the briefing never shows cost nothing (a tree of it cost its size again).
        Assert.True(withLarge - without < 50_000, $"allocated {withLarge:N0} bytes with the large payload, {without:N0} without");
    }

    /// <summary>Bytes <paramref name="build"/> allocates on this thread, measured on its second run (JIT and pooled buffers warm).</summary>
    private static long AllocatedBy(Func<string> build)
    {
        build();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("Accomplished:", build());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
