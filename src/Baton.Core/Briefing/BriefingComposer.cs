using System.Globalization;
using System.Text;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Core.Briefing;

/// <summary>One block of a section: a handoff, a session line, a note.</summary>
/// <param name="Text">The block as markdown, without a trailing newline; user text already made safe (<see cref="BriefingText"/>).</param>
/// <param name="WholePointer">
/// Set when the block may be cut short to fit; says how to fetch the whole. Null: the block is shown whole or not at all.
/// </param>
/// <param name="Label">What the footer calls the block when it is cut short (an id, a doc's scope/name).</param>
internal sealed record BriefingItem(string Text, string? WholePointer = null, string? Label = null);

/// <summary>
/// A briefing section: its items in display order, the exact total behind them (null when unknown), its share of the
/// budget, and how to fetch what does not fit. <see cref="Preamble"/> is a line shown under the heading before the
/// items; <see cref="MaxChars"/> caps the section whatever its share. <see cref="P0"/>: the section claims its heading
/// (with its count, or its empty text) and then its first item before any section takes a share
/// (docs/architecture.md §6, decisions/0012-briefing-priority.md). <see cref="CountNote"/> is said inside the heading's
/// parentheses after the count ("3; 2 overdue").
/// </summary>
internal sealed record BriefingSection(
    string Title,
    int Weight,
    IReadOnlyList<BriefingItem> Items,
    long? Total,
    string FetchHint,
    string EmptyText,
    string? Preamble = null,
    int? MaxChars = null,
    bool P0 = false,
    string? CountNote = null,
    string? ShortTitle = null);

/// <summary>
/// Puts a briefing together within a character budget (docs/architecture.md §6). Claims on the budget, in order: the
/// header and directive (long fields shortened until they fit), the footer at its largest, the 50 KB warning when the
/// text could reach it, every P0 section's heading with its count, every P0 section's first item, then shares by
/// weight for the rest — what a section does not use flows on to the next, and a second pass hands room the first left
/// unused to the sections that were cut. Items go in whole while they fit; a block that allows it may then be cut
/// short with a pointer to the whole. Every heading carries an honest <see cref="Count"/>, every cut says how to fetch
/// the rest, and the footer lists what was left out. The result never exceeds the budget; the final guard that would
/// cut an over-long text exists for safety only and counts its firings (<see cref="GuardFirings"/>) so tests prove it
/// is never needed.
/// </summary>
internal static class BriefingComposer
{
    /// <summary>Briefings over this many UTF-8 bytes carry a warning, whatever the budget asked for.</summary>
    public const int WarningThresholdBytes = 50 * 1024;

    /// <summary>The smallest budget a caller may ask for (<see cref="BriefingBudget.MinChars"/>).</summary>
    public const int MinBudgetChars = BriefingBudget.MinChars;

    public const int MaxBudgetChars = BriefingBudget.MaxChars;

    /// <summary>A cut block keeps at least this much of its text; with less room the block is left out instead.</summary>
    private const int MinPartialChars = 100;

    /// <summary>
    /// The longest a header field may be, widest first, and the footer it is tried with; the first pair that lets the
    /// fixed claims fit is used. Fields are shortened to 48 characters before the footer drops its commands, and only
    /// then further.
    /// </summary>
    private static readonly (int FieldChars, FooterStyle Footer)[] Plans =
    [
        (int.MaxValue, FooterStyle.Full), (120, FooterStyle.Full), (80, FooterStyle.Full), (48, FooterStyle.Full),
        (int.MaxValue, FooterStyle.Compact), (120, FooterStyle.Compact), (80, FooterStyle.Compact), (48, FooterStyle.Compact),
        (32, FooterStyle.Compact), (20, FooterStyle.Compact), (12, FooterStyle.Compact), (6, FooterStyle.Compact), (2, FooterStyle.Compact),
    ];

    private static long s_guardFirings;

    /// <summary>How often the final guard had to cut a composed text since the process started. Always 0 unless there is a bug.</summary>
    internal static long GuardFirings => Interlocked.Read(ref s_guardFirings);

    public static string Compose(string header, IReadOnlyList<BriefingSection> sections, int budgetChars) =>
        Compose(_ => header, sections, budgetChars);

    /// <summary>
    /// Composes the briefing. <paramref name="header"/> renders the header and directive with every field at most the
    /// given number of characters (<see cref="int.MaxValue"/>: whole).
    /// </summary>
    public static string Compose(Func<int, string> header, IReadOnlyList<BriefingSection> sections, int budgetChars)
    {
        var c = new Composition(sections, budgetChars);

        // First claims: header, warning, the footer at its largest and every P0 minimum must fit before anything else.
        string? head = null;
        long room = 0;
        var heads = new Dictionary<int, string>();
        foreach (var (fieldChars, style) in Plans)
        {
            if (!heads.TryGetValue(fieldChars, out head)) heads[fieldChars] = head = header(fieldChars);
            room = budgetChars - head.Length - c.WarningReserve - c.WorstFooter(style);
            if (room < c.MinimumTotal) continue;

            var best = c.Candidate(head, room, style, out var cutSomething);
            if (best is null) break;
            if (!cutSomething) return best;

            // The footer was reserved at its largest; what the actual footer does not need can go to the sections
            // that were cut. Offer the sections more room and keep the largest offer whose result still fits.
            var lo = room;
            var hi = (long)budgetChars - head.Length;
            var top = c.Candidate(head, hi, style, out _);
            if (top is not null) return top;
            var precision = Math.Max(8, budgetChars / 256);
            while (hi - lo > precision)
            {
                var mid = lo + (hi - lo) / 2;
                var candidate = c.Candidate(head, mid, style, out _);
                if (candidate is null) hi = mid;
                else (best, lo) = (candidate, mid);
            }
            return best;
        }

        // Not reached by any input the tests generate (every field at its validated maximum, totals up to 9,999,999,
        // BriefingPropertyTests and BriefingTruthTests); kept so that "never over budget" does not depend on the
        // arithmetic above being right, and counted so those tests fail if it is ever needed.
        Interlocked.Increment(ref s_guardFirings);
        head ??= header(Plans[^1].FieldChars);
        var text = c.Text(head, room: budgetChars, FooterStyle.Compact);
        return text.Length <= budgetChars ? text : BriefingText.TruncateElements(text, budgetChars - 1) + BriefingText.Ellipsis;
    }

    /// <summary>
    /// <see cref="FooterStyle.Full"/> lists every section that showed less than it has, with the command that fetches
    /// it. <see cref="FooterStyle.Compact"/>, used only when the full one cannot fit (the smallest budgets with every
    /// section full), lists the same sections with the same counts on one line by their short titles, without the
    /// commands. Both list every item cut short with the command that fetches it whole.
    /// </summary>
    private enum FooterStyle { Full, Compact }

    private sealed record Rendered(string Text, int Shown, BriefingItem? Cut, int FooterExtra)
    {
        /// <summary>What the section costs: its text and the footer line its cut item adds.</summary>
        public long Cost => Text.Length + FooterExtra;

        public static readonly Rendered Nothing = new("", 0, null, 0);
    }

    /// <summary>One composition: the sections, the budget and what is derived from them once.</summary>
    private sealed class Composition
    {
        private readonly IReadOnlyList<BriefingSection> _sections;
        private readonly int _budget;
        private readonly long[] _minimums;
        private readonly string _warning;

        public Composition(IReadOnlyList<BriefingSection> sections, int budget)
        {
            _sections = sections;
            _budget = budget;
            _minimums = [.. sections.Select(s => s.P0 ? (long)MinimumCost(s) : 0)];
            MinimumTotal = _minimums.Sum();
            _warning = WarningText(budget);
            // UTF-8 takes at most 3 bytes per UTF-16 unit: a smaller budget can never reach the threshold.
            WarningReserve = 3L * budget > WarningThresholdBytes ? _warning.Length : 0;
        }

        public long MinimumTotal { get; }

        public int WarningReserve { get; }

        /// <summary>The footer if every section that has anything showed none of it (cut lines are charged to their section).</summary>
        public long WorstFooter(FooterStyle style)
        {
            long size = "---\n".Length + Math.Max(FooterHeading(_budget, style).Length, NothingLeftOut.Length);
            var compact = new List<string>();
            foreach (var s in _sections)
            {
                var total = s.Total ?? s.Items.Count;
                if (total <= 0) continue;
                if (style == FooterStyle.Full) size += FooterLine(s, total, total).Length;
                else compact.Add(CompactPart(s, total, total));
            }
            return size + CompactLine(compact).Length;
        }

        /// <summary>
        /// The briefing laid out in <paramref name="room"/> characters of sections, or null if it does not fit the
        /// budget. With <see cref="FooterStyle.Compact"/> planned, the full footer is still used when it fits.
        /// </summary>
        public string? Candidate(string head, long room, FooterStyle planned, out bool cutSomething)
        {
            var rendered = Layout(room);
            cutSomething = rendered.Where((r, i) => IsShort(_sections[i], r)).Any();
            var full = Join(head, rendered, FooterStyle.Full);
            if (full.Length <= _budget) return full;
            if (planned == FooterStyle.Full) return null;
            var compact = Join(head, rendered, FooterStyle.Compact);
            return compact.Length <= _budget ? compact : null;
        }

        /// <summary>The briefing in <paramref name="room"/> with the given footer, whether it fits or not (the guard's input).</summary>
        public string Text(string head, long room, FooterStyle style) => Join(head, Layout(room), style);

        private string Join(string head, Rendered[] rendered, FooterStyle style)
        {
            var body = new StringBuilder();
            foreach (var r in rendered) body.Append(r.Text);
            var footer = Footer(rendered, style);
            var text = string.Concat(head, body.ToString(), footer);
            // Judged on what is sent: bytes, not characters.
            if (WarningReserve > 0 && Encoding.UTF8.GetByteCount(text) > WarningThresholdBytes)
                text = string.Concat(head, _warning, body.ToString(), footer);
            return text;
        }

        /// <summary>
        /// Every section within <paramref name="room"/>: P0 minimums, then P0 first items, then shares by weight in
        /// display order, each section's unused share flowing on to the next.
        /// </summary>
        private Rendered[] Layout(long room)
        {
            var n = _sections.Count;
            var free = room - MinimumTotal;
            var claims = new long[n];
            // First items: each P0 section in turn gets an even split of what is free (what one leaves flows to the
            // next), so one huge cuttable item cannot take the room of every other; then those still without an item
            // try again with all that is left.
            var claimants = Enumerable.Range(0, n).Where(i => _sections[i].P0 && _sections[i].Items.Count > 0).ToList();
            for (var k = 0; k < claimants.Count && free > 0; k++)
            {
                var i = claimants[k];
                var first = Render(_sections[i], _minimums[i] + free / (claimants.Count - k), maxItems: 1);
                if (first.Shown == 0) continue;
                claims[i] = Math.Max(0, first.Cost - _minimums[i]);
                free -= claims[i];
            }
            foreach (var i in claimants)
            {
                if (claims[i] > 0 || free <= 0) continue;
                var first = Render(_sections[i], _minimums[i] + free, maxItems: 1);
                if (first.Shown == 0) continue;
                claims[i] = Math.Max(0, first.Cost - _minimums[i]);
                free -= claims[i];
            }

            var rendered = new Rendered[n];
            long weightLeft = _sections.Sum(s => s.Weight);
            for (var i = 0; i < n; i++)
            {
                var s = _sections[i];
                var share = weightLeft > 0 && free > 0 ? free * s.Weight / weightLeft : 0;
                var allowance = _minimums[i] + claims[i] + share;
                if (s.MaxChars is { } cap) allowance = Math.Min(allowance, Math.Max(cap, _minimums[i] + claims[i]));
                rendered[i] = Render(s, allowance);
                free -= rendered[i].Cost - _minimums[i] - claims[i];
                weightLeft -= s.Weight;
            }

            // Second pass: room the shares left unused (a section that needed less, a share too small for the next
            // item) goes to the sections that came up short, by weight, until none is left or none can use it.
            for (var pass = 0; pass < 3 && free > 0; pass++)
            {
                var shortOf = Enumerable.Range(0, n).Where(i => IsShort(_sections[i], rendered[i])).ToList();
                if (shortOf.Count == 0) break;
                var pool = free;
                var weights = shortOf.Sum(i => (long)Math.Max(1, _sections[i].Weight));
                var grew = false;
                foreach (var i in shortOf)
                {
                    var s = _sections[i];
                    var allowance = rendered[i].Cost + pool * Math.Max(1, s.Weight) / weights;
                    if (s.MaxChars is { } cap) allowance = Math.Min(allowance, Math.Max(cap, rendered[i].Cost));
                    var again = Render(s, allowance);
                    if (again.Cost == rendered[i].Cost && again.Shown == rendered[i].Shown) continue;
                    free -= again.Cost - rendered[i].Cost;
                    rendered[i] = again;
                    grew = true;
                }
                if (!grew) break;
            }

            // Last: a share can be too small to reach a section's next step — an item cut short grows by paragraphs
            // or sentences, so a section may need far more than its share to show anything more — while the section
            // whose weight took the rest is held by its cap. Each section still short is offered all that is left,
            // in display order, so room is never left unused while something it could show was cut.
            for (var i = 0; i < n && free > 0; i++)
            {
                var s = _sections[i];
                if (!IsShort(s, rendered[i])) continue;
                var allowance = rendered[i].Cost + free;
                if (s.MaxChars is { } cap) allowance = Math.Min(allowance, Math.Max(cap, rendered[i].Cost));
                var again = Render(s, allowance);
                if (again.Shown < rendered[i].Shown || again.Cost <= rendered[i].Cost) continue;
                free -= again.Cost - rendered[i].Cost;
                rendered[i] = again;
            }
            return rendered;
        }

        /// <summary>Showed fewer of its items than it has, or cut one short.</summary>
        private static bool IsShort(BriefingSection s, Rendered r) => r.Cut is not null || r.Shown < s.Items.Count;

        private string Footer(Rendered[] rendered, FooterStyle style)
        {
            var lines = new StringBuilder();
            var compact = new List<string>();
            var cuts = new StringBuilder();
            for (var i = 0; i < rendered.Length; i++)
            {
                var (s, r) = (_sections[i], rendered[i]);
                var total = s.Total ?? s.Items.Count;
                if (r.Shown < total)
                {
                    if (style == FooterStyle.Full) lines.Append(FooterLine(s, total - r.Shown, total));
                    else compact.Add(CompactPart(s, total - r.Shown, total));
                }
                // The full footer keeps each cut item beside its section's line; the compact one lists them after its one line.
                if (r.Cut is not null) (style == FooterStyle.Full ? lines : cuts).Append(CutLine(s, r.Cut));
            }
            lines.Append(CompactLine(compact)).Append(cuts);
            return lines.Length > 0 ? "---\n" + FooterHeading(_budget, style) + lines : "---\n" + NothingLeftOut;
        }
    }

    private const string NothingLeftOut = "Nothing was left out.\n";

    private static string FooterHeading(int budgetChars, FooterStyle style) => style == FooterStyle.Full
        ? $"Left out to stay within {N(budgetChars)} characters:\n"
        : $"Left out (budget {N(budgetChars)} chars; no room for commands):\n";

    private static string FooterLine(BriefingSection section, long hidden, long total) =>
        $"- {section.Title}: {N(hidden)} of {N(total)} not shown — {section.FetchHint}\n";

    /// <summary>One section in the compact footer's single line: its short title and "not shown / total".</summary>
    private static string CompactPart(BriefingSection section, long hidden, long total) =>
        $"{section.ShortTitle ?? section.Title} {N(hidden)}/{N(total)}";

    private static string CompactLine(List<string> parts) => parts.Count == 0 ? "" : $"- not shown: {string.Join(" · ", parts)}\n";

    private static string CutLine(BriefingSection section, BriefingItem item) =>
        $"- {section.Title}: {item.Label ?? "an item"} cut short — whole: {item.WholePointer}\n";

    private static string CutNote(BriefingItem item) => $"\n… (cut to fit; whole: {item.WholePointer})\n";

    private static string WarningText(int budgetChars) =>
        $"> ⚠ WARNING: this briefing is over {WarningThresholdBytes / 1024} KB (budget {N(budgetChars)} characters). " +
        "It takes a large share of your context window; ask for a smaller budget_chars unless you need it all.\n\n";

    private static bool IsEmpty(BriefingSection s) => s.Items.Count == 0 && s.Total == 0;

    private static string EmptyForm(BriefingSection s) =>
        Heading(s, Count.All(0)) + (s.Preamble is null ? "" : s.Preamble + "\n") + (s.EmptyText.Length == 0 ? "" : s.EmptyText + "\n") + "\n";

    /// <summary>A P0 section's first claim: its heading at its longest with its count (and preamble), or its empty text.</summary>
    private static int MinimumCost(BriefingSection s) =>
        IsEmpty(s) ? EmptyForm(s).Length : HeadingMax(s) + (s.Preamble is null ? 0 : s.Preamble.Length + 1) + 1;

    private static Count CountOf(BriefingSection s, int shown) =>
        s.Total is null ? Count.Unknown(shown) : Count.Slice(shown, Math.Max(s.Total.Value, shown));

    /// <summary>The heading at its longest over every number of items it could show (the count's digits vary).</summary>
    private static int HeadingMax(BriefingSection s)
    {
        var n = s.Items.Count;
        return Math.Max(Heading(s, CountOf(s, 0)).Length, Math.Max(Heading(s, CountOf(s, Math.Max(0, n - 1))).Length, Heading(s, CountOf(s, n)).Length));
    }

    private static int MoreLineMax(BriefingSection s) => s.Total is null
        ? Math.Max(MoreLine(s, 0).Length, MoreLine(s, s.Items.Count).Length)
        : MoreLine(s, s.Total.Value).Length;

    /// <summary>
    /// The section within <paramref name="allowance"/> (text plus the footer line a cut adds), showing at most
    /// <paramref name="maxItems"/> items. A P0 section always renders its heading (its allowance is at least its
    /// minimum); any other section renders only if at least one item (or its empty text) fits.
    /// </summary>
    private static Rendered Render(BriefingSection s, long allowance, int maxItems = int.MaxValue)
    {
        var preamble = s.Preamble is null ? "" : s.Preamble + "\n";
        if (IsEmpty(s))
        {
            var empty = EmptyForm(s);
            return empty.Length <= allowance ? new Rendered(empty, 0, null, 0) : Rendered.Nothing;
        }

        var fixedCost = HeadingMax(s) + preamble.Length + 1;
        if (s.Total == s.Items.Count && maxItems >= s.Items.Count)
        {
            var whole = fixedCost + s.Items.Sum(i => (long)i.Text.Length + 1);
            if (whole <= allowance) return Build(s, preamble, Fill(s, whole, maxItems), moreLine: false);
        }

        // Room for the "more not shown" line first, so the reader learns how to fetch what is missing; a P0 section
        // too tight for both shows its first item rather than the line.
        var fill = Fill(s, allowance - fixedCost - MoreLineMax(s), maxItems);
        var moreLine = true;
        if (fill.Shown == 0 && s.P0)
        {
            var bare = Fill(s, allowance - fixedCost, Math.Min(maxItems, 1));
            if (bare.Shown > 0) (fill, moreLine) = (bare, false);
        }
        if (fill.Shown == 0 && !s.P0) return Rendered.Nothing;

        var built = Build(s, preamble, fill, moreLine);
        return built.Cost <= allowance ? built : Build(s, preamble, fill, moreLine: false);
    }

    private sealed record Filled(string Blocks, int Shown, BriefingItem? Cut, int FooterExtra);

    /// <summary>Items whole while they fit in <paramref name="room"/>, then possibly one cut short; stops at the first that does not fit.</summary>
    private static Filled Fill(BriefingSection s, long room, int maxItems)
    {
        var blocks = new StringBuilder();
        var shown = 0;
        if (room <= 0) return new Filled("", 0, null, 0);
        foreach (var item in s.Items)
        {
            if (shown >= maxItems) break;
            var block = item.Text.Length + 1;
            if (block <= room - blocks.Length)
            {
                blocks.Append(item.Text).Append('\n');
                shown++;
                continue;
            }

            if (item.WholePointer is not null)
            {
                var note = CutNote(item);
                var line = CutLine(s, item);
                var left = room - blocks.Length - note.Length - line.Length;
                if (left >= MinPartialChars)
                {
                    // One character kept back: the cut can turn a quoted line's start into a rule ("---x" → "---"),
                    // which then needs its escape again.
                    var partial = BriefingText.EscapeLastQuotedLine(BriefingText.DropDanglingMarkers(CutAtBoundary(item.Text, (int)Math.Min(left - 1, item.Text.Length)).TrimEnd()));
                    if (partial.Length > 0)
                    {
                        blocks.Append(partial).Append(note);
                        return new Filled(blocks.ToString(), shown + 1, item, line.Length);
                    }
                }
            }
            break;
        }
        return new Filled(blocks.ToString(), shown, null, 0);
    }

    private static Rendered Build(BriefingSection s, string preamble, Filled fill, bool moreLine)
    {
        var text = new StringBuilder(Heading(s, CountOf(s, fill.Shown))).Append(preamble).Append(fill.Blocks);
        var hidden = s.Total is null ? (fill.Shown < s.Items.Count ? s.Items.Count - fill.Shown : 0) : Math.Max(0, s.Total.Value - fill.Shown);
        if (moreLine && (hidden > 0 || s.Total is null)) text.Append(MoreLine(s, hidden));
        text.Append('\n');
        return new Rendered(text.ToString(), fill.Shown, fill.Cut, fill.FooterExtra);
    }

    private static string Heading(BriefingSection section, Count count) =>
        section.CountNote is null ? $"## {section.Title} ({count})\n" : $"## {section.Title} ({count}; {section.CountNote})\n";

    private static string MoreLine(BriefingSection section, long hidden) =>
        hidden > 0
            ? $"… {N(hidden)} more not shown: {section.FetchHint}\n"
            : $"… more may exist: {section.FetchHint}\n";

    /// <summary>
    /// The longest prefix of <paramref name="text"/> of at most <paramref name="maxChars"/> characters that ends at a
    /// paragraph break (in its last two thirds), else a sentence end, line end or word break (in its second half), else
    /// a text-element boundary (never inside a surrogate pair or a combining sequence) — so a block without breaks is
    /// cut, not dropped.
    /// </summary>
    public static string CutAtBoundary(string text, int maxChars)
    {
        if (maxChars <= 0) return "";
        if (text.Length <= maxChars) return text;
        var window = BriefingText.TruncateElements(text, maxChars);

        var paragraph = window.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (paragraph > maxChars / 3) return window[..paragraph];

        // A boundary in the first half would throw away more than it keeps tidy; then the next finer one is used.
        var sentence = Math.Max(window.LastIndexOf(". ", StringComparison.Ordinal), Math.Max(window.LastIndexOf("! ", StringComparison.Ordinal), window.LastIndexOf("? ", StringComparison.Ordinal)));
        if (sentence > maxChars / 2) return window[..(sentence + 1)];

        var line = window.LastIndexOf('\n');
        if (line > maxChars / 2) return window[..line];

        var word = window.LastIndexOf(' ');
        if (word > maxChars / 2) return window[..word];

        return window;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
