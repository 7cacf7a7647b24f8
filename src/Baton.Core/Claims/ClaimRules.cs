namespace Baton.Core.Claims;

/// <summary>What a store should do with a claim, decided by <see cref="ClaimRules.Decide"/> on the repo's held claims.</summary>
public abstract record ClaimDecision
{
    private ClaimDecision()
    {
    }

    /// <summary>Nothing held conflicts: insert the candidate.</summary>
    public sealed record Grant : ClaimDecision;

    /// <summary>The session already holds this very claim (same target, same mode): answer it, insert nothing.</summary>
    public sealed record AlreadyHeld(Claim Existing) : ClaimDecision;

    /// <summary>Refused: these held claims of other sessions conflict (oldest first). Nothing is inserted.</summary>
    public sealed record Refuse(IReadOnlyList<Claim> Holders) : ClaimDecision;
}

/// <summary>One staged file that another live session holds exclusively, and the claim that holds it.</summary>
public sealed record HeldFile(string File, Claim Claim);

/// <summary>
/// The claim rules of docs/architecture.md §15 as pure functions, so both stores decide alike inside their transaction.
/// <list type="bullet">
/// <item>Claims of different ventures or repos never conflict, nor an issue claim with a file claim, nor the claims of
/// one session with each other.</item>
/// <item>Exclusive conflicts with anything overlapping it; shared never conflicts with shared.</item>
/// <item>Issue claims overlap when the numbers are equal; file claims when some glob of one may match a path some glob
/// of the other matches (<see cref="GlobsMayOverlap"/>).</item>
/// </list>
/// </summary>
public static class ClaimRules
{
    public const int MaxGlobs = 100;
    public const int MaxGlobLength = 500;

    /// <summary>
    /// Decides <paramref name="candidate"/> against <paramref name="held"/>: the claims held now (not released, their
    /// session active and fresh) in the candidate's repo. The same session holding the same target in the same mode →
    /// already held; any other session's held claim that conflicts → refused, naming every such holder; else grant.
    /// </summary>
    public static ClaimDecision Decide(Claim candidate, IReadOnlyList<Claim> held)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(held);
        var same = held.FirstOrDefault(h => h.SessionId == candidate.SessionId && h.Mode == candidate.Mode && SameTarget(h, candidate));
        if (same is not null) return new ClaimDecision.AlreadyHeld(same);

        var holders = held.Where(h => Conflicts(candidate, h))
            .OrderBy(h => h.CreatedAt).ThenBy(h => h.Id, StringComparer.Ordinal).ToList();
        return holders.Count > 0 ? new ClaimDecision.Refuse(holders) : new ClaimDecision.Grant();
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> may not both be held.</summary>
    public static bool Conflicts(Claim a, Claim b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.SessionId == b.SessionId) return false;
        if (!string.Equals(a.Venture, b.Venture, StringComparison.Ordinal) || !string.Equals(a.Repo, b.Repo, StringComparison.OrdinalIgnoreCase)) return false;
        if (a.Mode == ClaimMode.Shared && b.Mode == ClaimMode.Shared) return false;
        return Overlap(a, b);
    }

    /// <summary>Whether two claims' targets overlap: equal issue numbers, or glob sets that may match a common path.</summary>
    public static bool Overlap(Claim a, Claim b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.IssueNumber is not null || b.IssueNumber is not null) return a.IssueNumber is not null && a.IssueNumber == b.IssueNumber;
        return a.Files.Any(f => b.Files.Any(g => GlobsMayOverlap(f, g)));
    }

    /// <summary>
    /// Whether some path may be matched by both globs. <b>Sound, not exact</b>: it never answers false for two globs that
    /// share a path (a conflict is never missed); it may answer true for two that do not (a claim may be refused that
    /// could have been granted — the holder is named, so the person can narrow the glob). The rule, segment by segment
    /// over both patterns anchored at the root (an unanchored <c>*.cs</c> is <c>**/*.cs</c>):
    /// <list type="bullet">
    /// <item>either pattern runs out → overlap (a pattern also claims everything inside what it matches);</item>
    /// <item>a <c>**</c> segment may take zero or more of the other's segments (tried both ways);</item>
    /// <item>two literal segments must be equal; a literal and a glob segment must match (<see cref="Wildmatch.MatchSegment"/>);</item>
    /// <item>two glob segments must have compatible literal prefixes (one a prefix of the other, up to the first
    /// <c>*?[\</c>) and compatible literal suffixes (after the last <c>*?[]\</c>) — else no text can match both.</item>
    /// </list>
    /// So <c>src/*.cs</c> and <c>docs/**</c> are disjoint, <c>src/*.cs</c> and <c>src/a*</c> overlap (src/a.cs),
    /// <c>src/*.cs</c> and <c>src/*.md</c> are disjoint (suffixes). <c>*.cs</c> and <c>docs/readme.md</c> overlap, and
    /// rightly: a path may be a directory, and docs/readme.md/x.cs is claimed by both — anchor globs to keep claims narrow.
    /// </summary>
    public static bool GlobsMayOverlap(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x = Wildmatch.Parse(a).Segments;
        var y = Wildmatch.Parse(b).Segments;
        var memo = new bool?[x.Count + 1, y.Count + 1];
        return SegmentsOverlap(x, 0, y, 0, memo);
    }

    private static bool SegmentsOverlap(IReadOnlyList<string> x, int i, IReadOnlyList<string> y, int j, bool?[,] memo)
    {
        if (i == x.Count || j == y.Count) return true;
        if (memo[i, j] is { } known) return known;
        bool result;
        if (x[i] == "**") result = SegmentsOverlap(x, i + 1, y, j, memo) || SegmentsOverlap(x, i, y, j + 1, memo);
        else if (y[j] == "**") result = SegmentsOverlap(x, i, y, j + 1, memo) || SegmentsOverlap(x, i + 1, y, j, memo);
        else result = SegmentMayOverlap(x[i], y[j]) && SegmentsOverlap(x, i + 1, y, j + 1, memo);
        memo[i, j] = result;
        return result;
    }

    private static readonly char[] Wild = ['*', '?', '[', '\\'];
    private static readonly char[] WildOrClassEnd = ['*', '?', '[', ']', '\\'];

    /// <summary>Whether one segment of each pattern may match a common directory or file name.</summary>
    public static bool SegmentMayOverlap(string a, string b)
    {
        var aLiteral = a.IndexOfAny(Wild) < 0;
        var bLiteral = b.IndexOfAny(Wild) < 0;
        if (aLiteral && bLiteral) return string.Equals(a, b, StringComparison.Ordinal);
        if (aLiteral) return Wildmatch.MatchSegment(b, a);
        if (bLiteral) return Wildmatch.MatchSegment(a, b);

        var aPrefix = a[..a.IndexOfAny(Wild)];
        var bPrefix = b[..b.IndexOfAny(Wild)];
        if (!aPrefix.StartsWith(bPrefix, StringComparison.Ordinal) && !bPrefix.StartsWith(aPrefix, StringComparison.Ordinal)) return false;
        var aSuffix = a[(a.LastIndexOfAny(WildOrClassEnd) + 1)..];
        var bSuffix = b[(b.LastIndexOfAny(WildOrClassEnd) + 1)..];
        return aSuffix.EndsWith(bSuffix, StringComparison.Ordinal) || bSuffix.EndsWith(aSuffix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The staged <paramref name="files"/> that a held exclusive claim of a session not in <paramref name="ownSessions"/>
    /// covers, with the claim (the oldest when several do). What the pre-commit guard refuses.
    /// </summary>
    public static IReadOnlyList<HeldFile> HeldByOthers(IReadOnlyList<string> files, IReadOnlyList<Claim> held, IReadOnlyCollection<string> ownSessions)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(ownSessions);
        var exclusive = held
            .Where(c => c.Mode == ClaimMode.Exclusive && c.IssueNumber is null && !ownSessions.Contains(c.SessionId))
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => (Claim: c, Patterns: c.Files.Select(Wildmatch.Parse).ToList()))
            .ToList();
        var result = new List<HeldFile>();
        foreach (var file in files)
        {
            foreach (var (claim, patterns) in exclusive)
            {
                if (!patterns.Any(p => p.Matches(file))) continue;
                result.Add(new HeldFile(file, claim));
                break;
            }
        }
        return result;
    }

    /// <summary>
    /// Why <paramref name="glob"/> cannot be claimed, or null when it can: empty, too long, a control character, a
    /// negation (<c>!</c> un-claims nothing), a path climbing out of the repository (<c>..</c>), an unclosed
    /// <c>[</c>, an unknown <c>[:class:]</c> or a trailing lone <c>\</c>.
    /// </summary>
    public static string? GlobProblemOrNull(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        if (glob.Length == 0 || glob.Trim('/').Length == 0) return "is empty: name a path or a glob such as src/** or *.md.";
        if (glob.Length > MaxGlobLength) return $"must be at most {MaxGlobLength} characters (got {glob.Length}).";
        if (glob.Any(char.IsControl)) return "must not contain control characters.";
        if (glob.StartsWith('!')) return "starts with '!': a negation claims nothing; claim the paths you mean.";
        if (glob.Split('/').Any(s => s == "..")) return "must stay inside the repository (no '..' segment): paths are relative to its root.";
        for (var i = 0; i < glob.Length; i++)
        {
            switch (glob[i])
            {
                case '\\':
                    if (i == glob.Length - 1) return "ends with a lone '\\': escape a character or drop it.";
                    i++;
                    break;
                case '[':
                    var end = Wildmatch.ClassEnd(glob, i);
                    if (end < 0) return "has a '[' that is never closed: write [abc], or \\[ for a literal bracket.";
                    var unknown = UnknownClassName(glob[(i + 1)..end]);
                    if (unknown is not null) return $"names the unknown character class [:{unknown}:]; known: alnum, alpha, blank, cntrl, digit, graph, lower, print, punct, space, upper, xdigit.";
                    i = end;
                    break;
            }
        }
        return null;
    }

    private static readonly HashSet<string> ClassNames =
        ["alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit"];

    private static string? UnknownClassName(string inside)
    {
        var at = 0;
        while ((at = inside.IndexOf("[:", at, StringComparison.Ordinal)) >= 0)
        {
            var close = inside.IndexOf(":]", at + 2, StringComparison.Ordinal);
            if (close < 0) return null;
            var name = inside[(at + 2)..close];
            if (!ClassNames.Contains(name)) return name;
            at = close + 2;
        }
        return null;
    }

    private static bool SameTarget(Claim a, Claim b) =>
        a.IssueNumber == b.IssueNumber && a.Files.SequenceEqual(b.Files, StringComparer.Ordinal);
}
