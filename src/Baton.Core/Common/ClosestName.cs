namespace Baton.Core.Common;

/// <summary>
/// "Did you mean …?" for a misspelt name: the candidate nearest by edit distance (insertions, deletions,
/// substitutions and swaps of neighbours), compared without case, <c>_</c> or <c>-</c> so <c>commitSha</c> finds
/// <c>commit_sha</c>. Too far from every candidate is no suggestion rather than a wild guess.
/// </summary>
public static class ClosestName
{
    /// <summary>The nearest of <paramref name="candidates"/> (the first of equals, in the order given), or null.</summary>
    public static string? FindOrNull(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var wanted = Normalize(name);
        if (wanted.Length == 0) return null;
        // A third of the name may be wrong, at least one edit and at most three.
        var allowed = Math.Clamp(wanted.Length / 3, 1, 3);

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Normalize(candidate));
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus swapping two neighbouring characters as one edit.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private static string Normalize(string name) =>
        new(name.Where(c => c is not ('_' or '-')).Select(char.ToLowerInvariant).ToArray());
}
