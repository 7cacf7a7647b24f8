using System.Text;
using Baton.Core.Workers;
using Baton.Core.Workflows;

namespace Baton.Cli.Worker;

/// <summary>The last bytes of a command's output, line by line as it streams (read once the run is over).</summary>
public sealed class OutputTail(int maxBytes)
{
    private readonly StringBuilder _text = new();
    private readonly object _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
            // Characters stand in for bytes: near enough for a tail, and never cuts a character in two.
            if (_text.Length > maxBytes) _text.Remove(0, _text.Length - maxBytes);
        }
    }

    public string Text()
    {
        lock (_gate) return _text.ToString();
    }
}

/// <summary>
/// The test reports a command task's run wrote (docs/architecture.md §16): the files under the worktree matching the
/// payload's report globs (<see cref="WorkerRules.GlobMatches"/>) that are new or changed since the run started, each
/// read up to <see cref="MaxBytes"/> and parsed by <see cref="TestReports"/>.
/// </summary>
public static class TestReportFiles
{
    /// <summary>A report larger than this is named as a problem rather than read.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    /// <summary>At most this many reports are read (the rest are named as one problem).</summary>
    public const int MaxFiles = 200;

    /// <summary>Directories never searched: git's own, and dependencies (reports are not written into them, and they can be huge).</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".git", "node_modules" };

    /// <summary>What matched before the run: relative path → (last write, length).</summary>
    public static IReadOnlyDictionary<string, (DateTime Written, long Length)> Snapshot(string root, IReadOnlyList<string> globs) =>
        Matching(root, globs).ToDictionary(f => f.Relative, f => (f.Info.LastWriteTimeUtc, f.Info.Length), StringComparer.Ordinal);

    /// <summary>The run the reports written since <paramref name="before"/> describe (merged); <see cref="TestRun.Empty"/> when there are none.</summary>
    public static TestRun Read(string root, IReadOnlyList<string> globs, IReadOnlyDictionary<string, (DateTime Written, long Length)> before)
    {
        var written = Matching(root, globs)
            .Where(f => !before.TryGetValue(f.Relative, out var was) || was != (f.Info.LastWriteTimeUtc, f.Info.Length))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        var runs = new List<TestRun>();
        foreach (var (relative, info) in written.Take(MaxFiles))
        {
            if (info.Length > MaxBytes)
            {
                runs.Add(Problem(relative, $"{relative}: {info.Length} bytes, over the {MaxBytes / (1024 * 1024)} MB a report may have; not read"));
                continue;
            }
            try
            {
                runs.Add(TestReports.Read(relative, File.ReadAllText(info.FullName)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                runs.Add(Problem(relative, $"{relative}: could not be read: {ex.Message}"));
            }
        }
        if (written.Count > MaxFiles) runs.Add(Problem(null, $"{written.Count - MaxFiles} more reports matched and were not read (at most {MaxFiles})"));
        return runs.Count == 0 ? TestRun.Empty : TestReports.Merge(runs);
    }

    private static TestRun Problem(string? relative, string problem) => new(0, 0, 0, [], relative is null ? [] : [relative], [problem]);

    private static IEnumerable<(string Relative, FileInfo Info)> Matching(string root, IReadOnlyList<string> globs)
    {
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // a directory the run removed or locked meanwhile: nothing of it to read
            }
            foreach (var entry in entries)
            {
                // Symbolic links are not followed: a link out of the worktree is not the run's report.
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo sub)
                {
                    if (!Skipped.Contains(sub.Name)) pending.Push(sub);
                }
                else if (entry is FileInfo file)
                {
                    var relative = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                    if (globs.Any(g => WorkerRules.GlobMatches(g, relative))) yield return (relative, file);
                }
            }
        }
    }
}
