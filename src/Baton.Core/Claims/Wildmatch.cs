namespace Baton.Core.Claims;

/// <summary>
/// Git's wildmatch, as <c>.gitignore</c> applies it to a repository-relative path (docs/architecture.md §15 Claims),
/// written here from the documented rules (gitignore(5), gitglossary "pathspec"), not copied:
/// <list type="bullet">
/// <item><c>*</c> any run of characters but <c>/</c>; <c>?</c> one character but <c>/</c>; <c>[…]</c> one character of a
/// class (<c>[!…]</c> or <c>[^…]</c> negated, ranges <c>a-z</c>, <c>[:alpha:]</c>-style names, <c>\</c> escapes; never
/// <c>/</c>); <c>\x</c> the character x.</item>
/// <item><c>**</c> as a whole segment crosses directories: <c>**/x</c> is x at any depth, <c>a/**/b</c> is b under a at any
/// depth (a/b included), <c>a/**</c> everything inside a (not a itself). Anywhere else <c>**</c> is <c>*</c>.</item>
/// <item>A pattern with no <c>/</c> but a trailing one matches at any depth (its last segment is compared); one with a
/// <c>/</c> at the start or in the middle is anchored at the repository root (a leading <c>/</c> only anchors).</item>
/// <item>A trailing <c>/</c> matches directories only.</item>
/// <item>A path matches when the pattern matches it or one of the directories it lies in (ignoring <c>build/</c>
/// ignores everything inside build), which is what claiming a directory means.</item>
/// </list>
/// Negation (<c>!</c>) is not a claim and is refused by <see cref="ClaimRules.GlobProblemOrNull"/>.
/// </summary>
public sealed class Wildmatch
{
    private readonly string[] _segments;
    private readonly bool _directoryOnly;

    private Wildmatch(string[] segments, bool directoryOnly)
    {
        _segments = segments;
        _directoryOnly = directoryOnly;
    }

    /// <summary>The pattern's segments as anchored at the root: an unanchored pattern starts with a <c>**</c> segment.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>Parses <paramref name="pattern"/> (check it with <see cref="ClaimRules.GlobProblemOrNull"/> first).</summary>
    public static Wildmatch Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var text = pattern;
        var directoryOnly = false;
        while (text.Length > 1 && text.EndsWith('/'))
        {
            directoryOnly = true;
            text = text[..^1];
        }
        var anchored = text.Contains('/');
        if (text.StartsWith('/')) text = text.TrimStart('/');
        // Empty segments (a//b) mean nothing to git either: a path has none.
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return new Wildmatch(anchored ? segments : ["**", .. segments], directoryOnly);
    }

    /// <summary>True when <paramref name="pattern"/> claims <paramref name="path"/> (repository-relative, <c>/</c>-separated).</summary>
    public static bool Matches(string pattern, string path) => Parse(pattern).Matches(path);

    /// <summary>True when this pattern matches <paramref name="path"/> or a directory <paramref name="path"/> lies in.</summary>
    public bool Matches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Each leading run of segments is the path itself (the last one) or a directory holding it (the others).
        var longest = _directoryOnly ? parts.Length - 1 : parts.Length;
        for (var length = 1; length <= longest; length++)
        {
            if (MatchSegments(0, parts, 0, length)) return true;
        }
        return false;
    }

    private bool MatchSegments(int p, string[] path, int s, int end)
    {
        while (true)
        {
            if (p == _segments.Length) return s == end;
            if (_segments[p] == "**")
            {
                // The last `**` needs at least one segment (a/** is what is inside a); any other takes zero or more.
                var least = p == _segments.Length - 1 ? 1 : 0;
                for (var skip = end - s; skip >= least; skip--)
                {
                    if (MatchSegments(p + 1, path, s + skip, end)) return true;
                }
                return false;
            }
            if (s == end || !MatchSegment(_segments[p], path[s])) return false;
            p++;
            s++;
        }
    }

    /// <summary>One segment of a pattern against one segment of a path: <c>*</c>, <c>?</c>, classes and escapes.</summary>
    public static bool MatchSegment(string pattern, string text) => MatchFrom(pattern, 0, text, 0);

    private static bool MatchFrom(string pattern, int p, string text, int t)
    {
        while (p < pattern.Length)
        {
            var c = pattern[p];
            switch (c)
            {
                case '*':
                    while (p < pattern.Length && pattern[p] == '*') p++;
                    if (p == pattern.Length) return true;
                    for (var i = t; i <= text.Length; i++)
                    {
                        if (MatchFrom(pattern, p, text, i)) return true;
                    }
                    return false;
                case '?':
                    if (t == text.Length) return false;
                    p++;
                    t++;
                    continue;
                case '[':
                    if (t == text.Length) return false;
                    var end = ClassEnd(pattern, p);
                    if (end < 0) return false;
                    if (!InClass(pattern, p + 1, end, text[t])) return false;
                    p = end + 1;
                    t++;
                    continue;
                case '\\' when p + 1 < pattern.Length:
                    p++;
                    goto default;
                default:
                    if (t == text.Length || pattern[p] != text[t]) return false;
                    p++;
                    t++;
                    continue;
            }
        }
        return t == text.Length;
    }

    /// <summary>The index of the <c>]</c> closing the class opened at <paramref name="open"/>, or −1 when it is never closed.</summary>
    internal static int ClassEnd(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^') i++;
        // A `]` right after the opening (or its negation) is a member, not the end.
        if (i < pattern.Length && pattern[i] == ']') i++;
        while (i < pattern.Length)
        {
            switch (pattern[i])
            {
                case '\\':
                    i += 2;
                    continue;
                case '[' when i + 1 < pattern.Length && pattern[i + 1] == ':':
                    var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (close < 0) return -1;
                    i = close + 2;
                    continue;
                case ']':
                    return i;
                default:
                    i++;
                    continue;
            }
        }
        return -1;
    }

    private static bool InClass(string pattern, int start, int end, char c)
    {
        var negated = pattern[start] is '!' or '^';
        var i = negated ? start + 1 : start;
        var found = false;
        var first = true;
        while (i < end)
        {
            var member = pattern[i];
            if (member == '[' && i + 1 < end && pattern[i + 1] == ':')
            {
                var close = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                found |= InNamedClass(pattern[(i + 2)..close], c);
                i = close + 2;
                first = false;
                continue;
            }
            if (member == '\\' && i + 1 < end) member = pattern[++i];
            else if (member == ']' && !first) break;
            first = false;
            if (i + 2 < end && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                var high = pattern[i + 2];
                var skip = 3;
                if (high == '\\' && i + 3 < end)
                {
                    high = pattern[i + 3];
                    skip = 4;
                }
                found |= c >= member && c <= high;
                i += skip;
                continue;
            }
            found |= c == member;
            i++;
        }
        // A class never matches the separator (paths are matched segment by segment, so it never sees one).
        return found != negated;
    }

    private static bool InNamedClass(string name, char c) => name switch
    {
        "alnum" => char.IsAsciiLetterOrDigit(c),
        "alpha" => char.IsAsciiLetter(c),
        "blank" => c is ' ' or '\t',
        "cntrl" => char.IsControl(c),
        "digit" => char.IsAsciiDigit(c),
        "graph" => c > ' ' && c < '\u007f',
        "lower" => char.IsAsciiLetterLower(c),
        "print" => c >= ' ' && c < '\u007f',
        "punct" => c > ' ' && c < '\u007f' && !char.IsAsciiLetterOrDigit(c),
        "space" => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f',
        "upper" => char.IsAsciiLetterUpper(c),
        "xdigit" => char.IsAsciiHexDigit(c),
        _ => false,
    };
}
