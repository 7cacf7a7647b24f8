using System.Text;

namespace Baton.Core.Common;

/// <summary>
/// The characters a reader of Baton's text (a terminal printing <c>baton sod</c>, an agent reading the briefing) must
/// never receive unseen (docs/architecture.md §6): C0 and C1 control characters other than line feed and tab — ESC and
/// BEL run terminal commands such as <c>\x1b]0;…\x07</c> — and the bidirectional override and isolate characters
/// U+202A–U+202E and U+2066–U+2069, which make text read differently from how it is stored. One definition, used by
/// <see cref="Validator.NoBidiControls"/> and the handoff list checks at input and by the briefing when it renders.
/// </summary>
public static class DisplayText
{
    /// <summary>U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates).</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>
    /// A character that must not reach a reader: a control character other than line feed and tab
    /// (<paramref name="allowCarriageReturn"/> also lets <c>\r</c> through, for input that may use CRLF), or a bidi
    /// control.
    /// </summary>
    public static bool IsHidden(char c, bool allowCarriageReturn = false) =>
        (char.IsControl(c) && c is not '\n' and not '\t' && !(allowCarriageReturn && c == '\r')) || IsBidiControl(c);

    /// <summary>True when <paramref name="text"/> holds a character <see cref="IsHidden"/> refuses.</summary>
    public static bool HasHidden(string text, bool allowCarriageReturn = false)
    {
        foreach (var c in text)
            if (IsHidden(c, allowCarriageReturn)) return true;
        return false;
    }

    /// <summary>At most <paramref name="max"/> characters: a longer text is cut and ends with "…" (which counts as one).</summary>
    public static string Clip(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }

    /// <summary>
    /// <paramref name="text"/> made safe to show: line endings (CRLF, CR, U+2028, U+2029) become <c>\n</c>, hidden
    /// characters are removed, and a lone surrogate (half a character) becomes U+FFFD.
    /// </summary>
    public static string Clean(string text)
    {
        if (!NeedsCleaning(text)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                clean.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else if (c is '\u2028' or '\u2029') clean.Append('\n');
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c)) clean.Append('\uFFFD');
            else if (!IsHidden(c)) clean.Append(c);
        }
        return clean.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\u2028' or '\u2029' || IsHidden(c)) return true;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return true;
        }
        return false;
    }
}
