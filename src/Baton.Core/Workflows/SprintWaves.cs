using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>Builds a sprint's waves from its issues' "depends on #N" / "blocked by #N" (docs/architecture.md §17).</summary>
public static partial class SprintWaves
{
    /// <summary>The issue numbers a body says it depends on ("depends on #12", "blocked by #3, #4", case-insensitive), distinct, in order of appearance.</summary>
    public static IReadOnlyList<int> DependenciesIn(string? body)
    {
        if (string.IsNullOrEmpty(body)) return [];
        var numbers = new List<int>();
        foreach (Match phrase in DependencyPattern().Matches(body))
        {
            foreach (Match reference in ReferencePattern().Matches(phrase.Groups["list"].Value))
            {
                // A number too large for an int is no issue of this repo.
                if (int.TryParse(reference.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && !numbers.Contains(n))
                    numbers.Add(n);
            }
        }
        return numbers;
    }

    /// <summary>
    /// Wave 1: issues with no dependency inside the set; wave n: issues whose dependencies are all in earlier waves.
    /// Dependencies outside the set are left out and named in <see cref="SprintPlan.Outside"/>. A cycle throws
    /// <c>BatonException(ErrorCodes.Validation…)</c> naming it ("#12 → #13 → #12"). A reference of an issue to itself
    /// is ignored; an issue listed twice is planned once; within a wave the issues keep the order given.
    /// </summary>
    public static SprintPlan Plan(string venture, string repo, IReadOnlyList<GitHubIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var ordered = new List<GitHubIssue>();
        var seen = new HashSet<int>();
        foreach (var issue in issues)
            if (seen.Add(issue.Number)) ordered.Add(issue);

        var outside = new List<string>();
        var planned = new Dictionary<int, PlannedIssue>();
        foreach (var issue in ordered)
        {
            var inside = new List<int>();
            foreach (var dependency in DependenciesIn(issue.Body))
            {
                if (dependency == issue.Number) continue;
                if (seen.Contains(dependency)) inside.Add(dependency);
                else outside.Add($"#{issue.Number} depends on #{dependency}, which is not in this sprint");
            }
            planned[issue.Number] = new PlannedIssue(issue.Number, issue.Title, inside);
        }

        var waves = new List<IReadOnlyList<PlannedIssue>>();
        var placed = new HashSet<int>();
        var remaining = ordered.Select(i => planned[i.Number]).ToList();
        while (remaining.Count > 0)
        {
            var wave = remaining.Where(p => p.DependsOn.All(placed.Contains)).ToList();
            if (wave.Count == 0) throw Cycle(remaining, ordered);
            waves.Add(wave);
            foreach (var p in wave) placed.Add(p.Number);
            remaining = remaining.Where(p => !placed.Contains(p.Number)).ToList();
        }
        return new SprintPlan(venture, repo, waves, outside);
    }

    // Every issue left waits for another one left, so following the first such dependency from any of them must come
    // back to an issue already on the path: that loop is the cycle, named from its issue listed first.
    private static BatonException Cycle(List<PlannedIssue> remaining, List<GitHubIssue> ordered)
    {
        var left = remaining.ToDictionary(p => p.Number);
        var path = new List<int>();
        var current = remaining[0].Number;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = left[current].DependsOn.First(left.ContainsKey);
        }
        var loop = path.Skip(path.IndexOf(current)).ToList();
        var first = loop.MinBy(n => ordered.FindIndex(i => i.Number == n));
        var start = loop.IndexOf(first);
        var named = loop.Skip(start).Concat(loop.Take(start)).Append(first).Select(n => $"#{n}");
        return BatonException.Validation("issues",
            $"their dependencies form a cycle: {string.Join(" → ", named)} (each waits for the next); remove one \"depends on\" / \"blocked by\" to break it");
    }

    // "depends on #12", "Depends on: #12, #13 and #14", "**Blocked by** #3 & #4": the phrase, then a list of references.
    [GeneratedRegex(@"\b(?:depends\s+on|blocked\s+by)[\s:*_]*(?<list>#\d+(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)#\d+)*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DependencyPattern();

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex ReferencePattern();
}
