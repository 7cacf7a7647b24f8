using System.Globalization;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Core.Briefing;

/// <summary>One block of a section: a handoff, a session line, a note.</summary>
/// <param name="Text">The block as markdown, without a trailing newline.</param>
/// <param name="WholePointer">
/// Set when the block may be cut short to fit (cut at a paragraph or sentence boundary); says how to fetch the whole.
/// Null: the block is shown whole or not at all.
/// </param>
internal sealed record BriefingItem(string Text, string? WholePointer = null);

/// <summary>
/// A briefing section: its items in display order, the exact total behind them (null when unknown), its share of the
/// budget, and how to fetch what does not fit. <see cref="Preamble"/> is a line shown under the heading before the
/// items; <see cref="MaxChars"/> caps the section whatever its share.
/// </summary>
internal sealed record BriefingSection(
    string Title,
    int Weight,
    IReadOnlyList<BriefingItem> Items,
    long? Total,
    string FetchHint,
    string EmptyText,
    string? Preamble = null,
    int? MaxChars = null);

/// <summary>
/// Puts a briefing together within a character budget (docs/architecture.md §6). The header and directive always come first and
/// whole; every section gets a share of what is left by weight, and whatever a section does not use flows on to the
/// next. Items go in whole while they fit; a block that allows it may then be cut short with a pointer to the whole.
/// Every section heading carries an honest <see cref="Count"/> of what it shows, every cut says how to fetch the rest,
/// and the footer lists what was left out. The result never exceeds the budget.
/// </summary>
internal static class BriefingComposer
{
    /// <summary>Briefings over this size carry a warning, whatever the budget asked for.</summary>
    public const int WarningThresholdChars = 50 * 1024;

    /// <summary>The smallest budget a caller may ask for (<see cref="BriefingBudget.MinChars"/>).</summary>
    public const int MinBudgetChars = BriefingBudget.MinChars;

    public const int MaxBudgetChars = BriefingBudget.MaxChars;

    /// <summary>A partial block shorter than this is not worth showing; the block is left out instead.</summary>
    private const int MinPartialChars = 200;

    public static string Compose(string header, IReadOnlyList<BriefingSection> sections, int budgetChars)
    {
        var warning = budgetChars > WarningThresholdChars ? WarningText(budgetChars) : "";

        // The footer's size depends on what gets cut, and what gets cut on the room the footer leaves. Start by
        // reserving nothing and shrink the room by the overflow until it fits; the worst-case reserve is the fallback.
        var room = budgetChars - header.Length - warning.Length;
        string? result = null;
        for (var attempt = 0; attempt < 4 && result is null; attempt++)
        {
            var candidate = Assemble(header, sections, room, budgetChars);
            if (candidate.Length <= budgetChars) result = candidate;
            else room -= candidate.Length - budgetChars;
        }
        result ??= Assemble(header, sections, budgetChars - header.Length - warning.Length - FooterReserve(sections, budgetChars), budgetChars);

        if (result.Length > WarningThresholdChars)
            result = header + WarningText(budgetChars) + result[header.Length..];

        // The arithmetic above keeps us inside the budget; this guard makes the promise unconditional.
        return result.Length <= budgetChars ? result : result[..(budgetChars - 1)] + "…";
    }

    /// <summary>Header, then each section within its share of <paramref name="available"/>, then the footer.</summary>
    private static string Assemble(string header, IReadOnlyList<BriefingSection> sections, int available, int budgetChars)
    {
        var rendered = new List<(BriefingSection Section, int Shown)>();
        var body = new StringBuilder(header);
        var remainingWeight = sections.Sum(s => s.Weight);
        foreach (var section in sections)
        {
            // A section's allowance is its share of what is still available, so unused room flows forward.
            var allowance = remainingWeight > 0 ? (int)((long)Math.Max(0, available) * section.Weight / remainingWeight) : 0;
            if (section.MaxChars is { } cap) allowance = Math.Min(allowance, cap);
            remainingWeight -= section.Weight;
            var (text, shown) = RenderSection(section, allowance);
            available -= text.Length;
            body.Append(text);
            rendered.Add((section, shown));
        }
        return body.Append(Footer(rendered, budgetChars)).ToString();
    }

    private static string WarningText(int budgetChars) =>
        $"> ⚠ WARNING: this briefing is over {WarningThresholdChars / 1024} KB (budget {N(budgetChars)} characters). " +
        "It takes a large share of your context window; ask for a smaller budget_chars unless you need it all.\n\n";

    private static (string Text, int Shown) RenderSection(BriefingSection section, int allowance)
    {
        var preamble = section.Preamble is null ? "" : section.Preamble + "\n";
        if (section.Items.Count == 0)
        {
            var empty = $"## {section.Title}\n{preamble}{section.EmptyText}\n\n";
            return (empty.Length <= allowance ? empty : "", 0);
        }

        // Room for the heading with the longest count text it could carry, and for the "more not shown" line.
        var headingReserve = Heading(section, Count.Slice(section.Items.Count, Math.Max(section.Total ?? 0, section.Items.Count) + 1_000_000)).Length + preamble.Length;
        var moreReserve = MoreLine(section, 9_999_999).Length;
        var room = allowance - headingReserve - moreReserve - 1;
        if (room <= 0) return ("", 0);

        var blocks = new StringBuilder();
        var shown = 0;
        foreach (var item in section.Items)
        {
            var block = item.Text + "\n";
            if (block.Length <= room - blocks.Length)
            {
                blocks.Append(block);
                shown++;
                continue;
            }

            var left = room - blocks.Length;
            if (item.WholePointer is not null && left >= MinPartialChars)
            {
                var cutNote = $"\n… (cut to fit; whole: {item.WholePointer})\n";
                var partial = CutAtBoundary(item.Text, left - cutNote.Length);
                if (partial.Length > 0)
                {
                    blocks.Append(partial).Append(cutNote);
                    shown++;
                }
            }
            break;
        }

        var total = section.Total ?? -1;
        var count = section.Total is null ? Count.Unknown(shown) : Count.Slice(shown, Math.Max(total, shown));
        var text = new StringBuilder(Heading(section, count)).Append(preamble).Append(blocks);
        var hidden = section.Total is null ? (shown < section.Items.Count ? section.Items.Count - shown : 0) : Math.Max(0, total - shown);
        if (hidden > 0 || section.Total is null) text.Append(MoreLine(section, hidden));
        text.Append('\n');
        return (text.ToString(), shown);
    }

    private static string Heading(BriefingSection section, Count count) => $"## {section.Title} ({count})\n";

    private static string MoreLine(BriefingSection section, long hidden) =>
        hidden > 0
            ? $"… {N(hidden)} more not shown: {section.FetchHint}\n"
            : $"… more may exist: {section.FetchHint}\n";

    private static int FooterReserve(IReadOnlyList<BriefingSection> sections, int budgetChars) =>
        FooterHeading(budgetChars).Length + sections.Sum(s => FooterLine(s, 9_999_999, 9_999_999).Length);

    private static string FooterHeading(int budgetChars) => $"---\nLeft out to stay within {N(budgetChars)} characters:\n";

    private static string FooterLine(BriefingSection section, long hidden, long total) =>
        $"- {section.Title}: {N(hidden)} of {N(total)} not shown — {section.FetchHint}\n";

    private static string Footer(IReadOnlyList<(BriefingSection Section, int Shown)> sections, int budgetChars)
    {
        var lines = new StringBuilder();
        foreach (var (section, shown) in sections)
        {
            var total = section.Total ?? section.Items.Count;
            if (total > shown) lines.Append(FooterLine(section, total - shown, total));
        }
        return lines.Length == 0 ? "---\nNothing was left out.\n" : FooterHeading(budgetChars) + lines;
    }

    /// <summary>
    /// The longest prefix of <paramref name="text"/> of at most <paramref name="maxChars"/> characters that ends at a
    /// paragraph break, else a sentence end, else a line end; empty when no such boundary exists.
    /// </summary>
    public static string CutAtBoundary(string text, int maxChars)
    {
        if (maxChars <= 0) return "";
        if (text.Length <= maxChars) return text;
        var window = text[..maxChars];

        var paragraph = window.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (paragraph > maxChars / 3) return window[..paragraph];

        var sentence = Math.Max(window.LastIndexOf(". ", StringComparison.Ordinal), Math.Max(window.LastIndexOf("! ", StringComparison.Ordinal), window.LastIndexOf("? ", StringComparison.Ordinal)));
        if (sentence > 0) return window[..(sentence + 1)];

        var line = window.LastIndexOf('\n');
        return line > 0 ? window[..line] : "";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
