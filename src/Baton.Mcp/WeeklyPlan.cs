using Baton.Local.Git;


namespace Baton.Mcp;

/// <summary>What the weekly plan says and how old it is. Stale after <see cref="WeeklyPlan.StaleAfterDays"/> days.</summary>
public sealed record WeeklyPlanStatus(string Path, bool Exists, string? CurrentPriority, DateTimeOffset? LastChanged, string? LastChangedFrom, int? AgeDays, bool Stale);

/// <summary>
/// Reads <c>docs/planning/WEEKLY_PLAN.md</c>: the current priority is the first line under a heading that mentions
/// "priority" (else the first list item); its age is the last commit that touched it when the file is committed and
/// unchanged (a fresh clone resets file times), else the file's modification time.
/// </summary>
public static class WeeklyPlan
{
    public const string RelativePath = "docs/planning/WEEKLY_PLAN.md";
    public const int StaleAfterDays = 7;

    public static async Task<WeeklyPlanStatus> ReadAsync(string repoRoot, DateTimeOffset now, CancellationToken ct)
    {
        var path = System.IO.Path.Combine(repoRoot, RelativePath);
        if (!File.Exists(path)) return new WeeklyPlanStatus(path, false, null, null, null, null, false);

        var content = await File.ReadAllTextAsync(path, ct);
        var (changed, from) = await LastChangedAsync(repoRoot, path, ct);
        var age = (int)Math.Floor((now - changed).TotalDays);
        return new WeeklyPlanStatus(path, true, CurrentPriorityOrNull(content), changed, from, Math.Max(age, 0), age > StaleAfterDays);
    }

    public static string? CurrentPriorityOrNull(string content)
    {
        var lines = content.Split('\n').Select(l => l.Trim()).ToList();
        var heading = lines.FindIndex(l => l.StartsWith('#') && l.Contains("priorit", StringComparison.OrdinalIgnoreCase));
        if (heading >= 0)
        {
            var under = lines.Skip(heading + 1).TakeWhile(l => !l.StartsWith('#')).FirstOrDefault(l => l.Length > 0);
            if (under is not null) return Clean(under);
        }
        var item = lines.FirstOrDefault(l => l.StartsWith("- ", StringComparison.Ordinal) || l.StartsWith("* ", StringComparison.Ordinal) || l.StartsWith("1. ", StringComparison.Ordinal));
        return item is null ? null : Clean(item);
    }

    private static string Clean(string line) => line.TrimStart('-', '*', ' ').TrimStart("1.".ToCharArray()).Trim();

    private static async Task<(DateTimeOffset, string)> LastChangedAsync(string repoRoot, string path, CancellationToken ct)
    {
        var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        var dirty = await ExternalCommand.RunOrNullAsync("git", ["status", "--porcelain", "--", RelativePath], repoRoot, ct);
        if (dirty is not { Succeeded: true } || dirty.Stdout.Trim().Length > 0) return (modified, "file modification time (uncommitted changes)");
        var log = await ExternalCommand.RunOrNullAsync("git", ["log", "-1", "--format=%cI", "--", RelativePath], repoRoot, ct);
        return log is { Succeeded: true } && DateTimeOffset.TryParse(log.Stdout.Trim(), out var committed)
            ? (committed, "last commit touching it")
            : (modified, "file modification time");
    }
}
