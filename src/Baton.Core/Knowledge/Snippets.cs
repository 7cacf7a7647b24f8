
namespace Baton.Core.Knowledge;

/// <summary>Snippets of a note for lists without search words, the same from every store.</summary>
public static class Snippets
{
    /// <summary>How much of the content a plain snippet shows.</summary>
    public const int PlainChars = 160;

    /// <summary>The first <see cref="PlainChars"/> characters, cut with "…" — never through a surrogate pair (half an emoji is not text).</summary>
    public static string Plain(string content)
    {
        if (content.Length <= PlainChars) return content;
        var cut = PlainChars;
        if (char.IsHighSurrogate(content[cut - 1])) cut--;
        return content[..cut].TrimEnd() + "…";
    }
}
