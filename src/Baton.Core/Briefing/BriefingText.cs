using System.Globalization;
using System.Text;
using Baton.Core.Common;

namespace Baton.Core.Briefing;

/// <summary>
/// How user-supplied text goes into the briefing so it cannot forge the briefing's structure (docs/architecture.md §6):
/// every piece passes <see cref="DisplayText.Clean"/> first, then either <see cref="Inline"/> — one line, placed after
/// text the builder wrote on the same line, so it never starts a line — or <see cref="Block"/> — a quoted block whose
/// every line starts with <c>&gt;</c>, with heading, fence, HTML and rule/table-delimiter markers escaped. No line of
/// user text can therefore start with <c>#</c>, a fence, <c>---</c>, a footer line or "Nothing was left out.".
/// Shortening and cutting happen at text-element boundaries (<see cref="StringInfo"/>), never inside a surrogate pair
/// or a combining sequence.
/// </summary>
internal static class BriefingText
{
    /// <summary>What a shortened field ends with.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// One line of user text: cleaned, line breaks and tabs turned into spaces, shortened to
    /// <paramref name="maxChars"/> with "…", and its backticks escaped when they would not pair up inside it (an open
    /// code span would otherwise run on into the builder's text after it).
    /// </summary>
    public static string Inline(string? text, int maxChars = int.MaxValue)
    {
        var line = OneLine(text);
        return EscapeUnpairedBackticks(Shorten(line, maxChars));
    }

    /// <summary>One line of cleaned text with no escaping: for the arguments of a command inside backticks.</summary>
    public static string OneLine(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var clean = DisplayText.Clean(text);
        if (clean.AsSpan().IndexOfAny('\n', '\t') >= 0) clean = clean.Replace('\n', ' ').Replace('\t', ' ');
        return clean.Trim();
    }

    /// <summary>
    /// User text as a quoted block: every line prefixed with <paramref name="indent"/> and <c>&gt; </c> (an empty line
    /// with <c>&gt;</c>, so the quote never ends early), each line's start escaped by <see cref="EscapeLineStart"/>.
    /// Markdown inside stays readable; nothing in it can open a heading, fence, table or section of the briefing.
    /// </summary>
    public static string Block(string? text, string indent = "")
    {
        if (string.IsNullOrEmpty(text)) return "";
        var lines = DisplayText.Clean(text).Trim('\n').Split('\n');
        var block = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0) block.Append('\n');
            var line = lines[i].TrimEnd();
            block.Append(indent).Append('>');
            if (line.Length > 0) block.Append(' ').Append(EscapeLineStart(line));
        }
        return block.ToString();
    }

    /// <summary>
    /// Escapes what would make a line a block of its own: an ATX heading (<c>#</c>), a code fence (<c>```</c>,
    /// <c>~~~</c>), an HTML block (<c>&lt;</c>), a nested quote (<c>&gt;</c>), or a line of only rule, setext or table-delimiter characters
    /// (<c>---</c>, <c>===</c>, <c>|---|</c>). The backslash is markdown's own escape, so the line still reads the same.
    /// </summary>
    public static string EscapeLineStart(string line)
    {
        var start = 0;
        while (start < line.Length && line[start] is ' ' or '\t') start++;
        if (start == line.Length) return line;
        var rest = line.AsSpan(start);
        // A leading '>' would open a quote nested in ours, whose inner line is no longer checked here.
        var escape = rest[0] is '#' or '<' or '>'
                     || rest.StartsWith("```") || rest.StartsWith("~~~")
                     || IsRuleLike(rest);
        return escape ? string.Concat(line.AsSpan(0, start), "\\", rest) : line;
    }

    /// <summary>
    /// <paramref name="text"/> with its last line's start escaped again when that line is quoted user text (see
    /// <see cref="Block"/>): cutting a quoted line short can leave a start that <see cref="EscapeLineStart"/> would
    /// have escaped. Adds at most one character.
    /// </summary>
    public static string EscapeLastQuotedLine(string text)
    {
        var start = text.LastIndexOf('\n') + 1;
        var i = start;
        while (i < text.Length && text[i] == ' ') i++;
        if (i == text.Length || text[i] != '>') return text;
        i++;
        if (i < text.Length && text[i] == ' ') i++;
        var content = text[i..];
        var escaped = EscapeLineStart(content);
        return ReferenceEquals(escaped, content) ? text : string.Concat(text.AsSpan(0, i), escaped);
    }

    /// <summary>
    /// <paramref name="text"/> without trailing lines that hold only markup — a bullet or quote marker whose content
    /// the cut took (<c>*</c>, <c>  &gt;</c>): a dangling marker says nothing and can read as structure.
    /// </summary>
    public static string DropDanglingMarkers(string text)
    {
        while (text.Length > 0)
        {
            var start = text.LastIndexOf('\n') + 1;
            var last = text.AsSpan(start);
            if (!last.IsEmpty && !OnlyMarkers(last)) return text;
            text = text[..Math.Max(0, start - 1)].TrimEnd();
        }
        return text;
    }

    private static bool OnlyMarkers(ReadOnlySpan<char> line)
    {
        foreach (var c in line)
            if (c is not ('*' or '-' or '+' or '>' or ' ' or '\t')) return false;
        return true;
    }

    private static bool IsRuleLike(ReadOnlySpan<char> rest)
    {
        foreach (var c in rest)
            if (c is not ('-' or '=' or '*' or '_' or ':' or '|' or '+' or ' ' or '\t')) return false;
        return true;
    }

    /// <summary>
    /// <paramref name="text"/> if it fits in <paramref name="maxChars"/>, else its longest prefix of whole text
    /// elements that leaves room for "…", then "…".
    /// </summary>
    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        if (maxChars <= Ellipsis.Length) return Ellipsis;
        return TruncateElements(text, maxChars - Ellipsis.Length).TrimEnd() + Ellipsis;
    }

    /// <summary>The longest prefix of <paramref name="text"/> of at most <paramref name="maxChars"/> UTF-16 units that ends at a text-element boundary.</summary>
    public static string TruncateElements(string text, int maxChars)
    {
        if (maxChars <= 0) return "";
        if (text.Length <= maxChars) return text;
        // Text elements always break before and after a line feed or tab (UAX #29 GB4, GB5), so walking may start
        // at the last one before the cut instead of at the beginning of a long text.
        var anchor = text.AsSpan(0, maxChars).LastIndexOfAny('\n', '\t');
        var end = anchor + 1;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (next > maxChars) break;
            end = next;
        }
        return text[..end];
    }

    /// <summary>
    /// Backticks are left alone when every run of them is closed by a later run of the same length inside the text
    /// (code spans that open and close within it); otherwise every backtick is escaped.
    /// </summary>
    private static string EscapeUnpairedBackticks(string text)
    {
        if (!text.Contains('`')) return text;
        // A run opens a code span that the next run of the same length closes; runs of other lengths in between are
        // its content.
        var open = 0;
        for (var i = 0; i < text.Length;)
        {
            if (text[i] != '`') { i++; continue; }
            var start = i;
            while (i < text.Length && text[i] == '`') i++;
            var run = i - start;
            if (open == 0) open = run;
            else if (run == open) open = 0;
        }
        var paired = open == 0;
        if (paired) return text;
        var escaped = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            // A backslash the user put before a backtick is doubled, or it would cancel the escape.
            if (text[i] == '`' || (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '`')) escaped.Append('\\');
            escaped.Append(text[i]);
        }
        return escaped.ToString();
    }
}
