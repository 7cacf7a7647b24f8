namespace Baton.Core.Knowledge;

/// <summary>
/// Finding docs by plain words (the dashboard's docs search): a doc matches when every word occurs, ignoring case, in
/// its name, title or content; the snippet is the content around the first word's first occurrence, matched words
/// marked <c>**like this**</c> as note snippets are. Pure: the service reads the docs and hands them in.
/// </summary>
public static class DocSearch
{
    /// <summary>How much of the content a snippet shows around the match.</summary>
    public const int SnippetChars = 200;

    private const int Before = 60;

    /// <summary>The query's words: split on white space, at most 10, duplicates (ignoring case) dropped.</summary>
    public static IReadOnlyList<string> Words(string q) =>
        [.. q.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase).Take(10)];

    /// <summary>The hit's snippet, or null when the doc does not match every word.</summary>
    public static string? Match(Doc doc, IReadOnlyList<string> words)
    {
        if (words.Count == 0) return null;
        foreach (var word in words)
        {
            if (!Contains(doc.Name, word) && !Contains(doc.Title, word) && !Contains(doc.Content, word)) return null;
        }
        return Snippet(doc.Content, words);
    }

    /// <summary>
    /// About <see cref="SnippetChars"/> characters of <paramref name="content"/> from a little before the first word
    /// found in it (the start when none is: the doc matched on its name or title), "…" where cut, words marked.
    /// Never cuts through a surrogate pair. Asterisks already in the text are left as they are.
    /// </summary>
    public static string Snippet(string content, IReadOnlyList<string> words)
    {
        var first = words.Select(w => content.IndexOf(w, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - Before);
        var end = Math.Min(content.Length, start + SnippetChars);
        if (start > 0 && char.IsLowSurrogate(content[start])) start--;
        if (end < content.Length && end > 0 && char.IsHighSurrogate(content[end - 1])) end--;
        var text = content[start..end].ReplaceLineEndings(" ");
        foreach (var word in words.OrderByDescending(w => w.Length)) text = Mark(text, word);
        return (start > 0 ? "…" : "") + text.Trim() + (end < content.Length ? "…" : "");
    }

    private static bool Contains(string text, string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static string Mark(string text, string word)
    {
        var result = new System.Text.StringBuilder();
        var at = 0;
        while (at < text.Length)
        {
            var i = text.IndexOf(word, at, StringComparison.OrdinalIgnoreCase);
            if (i < 0) break;
            // A word inside a longer word already marked stays as it is: never a mark inside a mark.
            if (InsideMark(text, i)) { result.Append(text, at, i + word.Length - at); at = i + word.Length; continue; }
            result.Append(text, at, i - at).Append("**").Append(text, i, word.Length).Append("**");
            at = i + word.Length;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    private static bool InsideMark(string text, int index)
    {
        var marks = 0;
        for (var i = text.IndexOf("**", StringComparison.Ordinal); i >= 0 && i < index; i = text.IndexOf("**", i + 2, StringComparison.Ordinal)) marks++;
        return marks % 2 == 1;
    }
}
