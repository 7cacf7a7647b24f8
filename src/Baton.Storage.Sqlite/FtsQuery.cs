using System.Text.RegularExpressions;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Turns words a person typed into an FTS5 MATCH expression that cannot fail to parse. FTS5's own syntax treats
/// quotes, <c>AND</c>/<c>OR</c>/<c>NOT</c>, <c>*</c>, <c>-</c>, <c>:</c> and <c>NEAR(</c> as operators, so raw input
/// like <c>"unbalanced</c> or <c>title:foo</c> is a syntax error (or a column filter). Here every word becomes a quoted
/// phrase and the phrases are ANDed, so the operators are just words and a search never throws.
/// </summary>
internal static partial class FtsQuery
{
    // Letters (with their combining marks), digits and underscore, in any script: the characters a word is made of.
    [GeneratedRegex(@"[\p{L}\p{M}\p{N}_]+")]
    private static partial Regex Word();

    /// <summary>
    /// <c>deploy the "api</c> → <c>"deploy" "the" "api"</c>. Null when the text holds no word at all (only
    /// punctuation or whitespace): that search has no text filter.
    /// </summary>
    public static string? FromPlainWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // A word holds no quote character, so wrapping it in quotes needs no escaping.
        var phrases = Word().Matches(text).Select(m => $"\"{m.Value}\"").ToList();
        return phrases.Count == 0 ? null : string.Join(' ', phrases);
    }
}
