using System.Globalization;
using System.Text;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>Markdown reports the workflow posts (VALIDATE's smoke report, QA's failing tests).</summary>
public static class WorkflowReports
{
    /// <summary>At most this many failing tests are listed in <see cref="Tests"/>; the rest are counted.</summary>
    public const int MaxFailureRows = 50;

    private const int MaxCellLength = 300;

    /// <summary>A table of every check: URL, critical, status, time (ms), result; a heading line saying passed or which critical ones failed.</summary>
    public static string Smoke(IReadOnlyList<SmokeResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        var criticalFailed = results.Where(r => r.Critical && !r.Passed).ToList();
        var otherFailed = results.Count(r => !r.Critical && !r.Passed);
        if (results.Count == 0) sb.Append("**Smoke checks: none were run** (no endpoints to check).\n");
        else if (criticalFailed.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"**Smoke checks passed**: {results.Count - otherFailed} of {Count(results.Count, "endpoint")} answered 2xx");
            sb.Append(otherFailed == 0 ? ".\n" : $"; {Count(otherFailed, "non-critical endpoint")} failed.\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"**Smoke checks failed**: {Count(criticalFailed.Count, "critical endpoint")} failed: ");
            sb.Append(string.Join(", ", criticalFailed.Select(r => Cell(r.Url)))).Append(".\n");
        }
        if (results.Count == 0) return sb.ToString();

        sb.Append('\n');
        sb.Append("| URL | Critical | Status | Time (ms) | Result |\n");
        sb.Append("|---|---|---|---:|---|\n");
        foreach (var r in results)
        {
            sb.Append("| ").Append(Cell(r.Url))
                .Append(" | ").Append(r.Critical ? "yes" : "no")
                .Append(" | ").Append(r.Status is { } status ? status.ToString(CultureInfo.InvariantCulture) : "—")
                .Append(" | ").Append(r.ElapsedMs.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(r.Passed ? "ok" : Cell(r.Error!))
                .Append(" |\n");
        }
        return sb.ToString();
    }

    /// <summary>The counts and a table of each failing test (suite, test, message's first line), at most 50 rows (the rest counted).</summary>
    public static string Tests(TestRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"**Tests**: {run.Passed} passed, {run.Failed} failed, {run.Skipped} skipped");
        sb.Append(run.Reports.Count == 0 ? " (no report read)" : $" ({Count(run.Reports.Count, "report")})");
        sb.Append(".\n");
        if (run.Problems.Count > 0)
        {
            sb.Append("\nReports that could not be read:\n");
            foreach (var problem in run.Problems) sb.Append("- ").Append(Line(problem)).Append('\n');
        }
        if (run.Failures.Count == 0) return sb.ToString();

        sb.Append('\n');
        sb.Append("| Suite | Test | Message |\n");
        sb.Append("|---|---|---|\n");
        foreach (var f in run.Failures.Take(MaxFailureRows))
        {
            sb.Append("| ").Append(Cell(f.Suite)).Append(" | ").Append(Cell(f.Test)).Append(" | ").Append(Cell(FirstLine(f.Message))).Append(" |\n");
        }
        if (run.Failures.Count > MaxFailureRows)
            sb.Append(CultureInfo.InvariantCulture, $"\n…and {Count(run.Failures.Count - MaxFailureRows, "more failing test")} not listed.\n");
        return sb.ToString();
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n.ToString(CultureInfo.InvariantCulture)} {noun}s";

    private static string FirstLine(string text)
    {
        foreach (var line in text.Split('\n'))
            if (line.Trim().Length > 0) return line.Trim();
        return "";
    }

    private static string Line(string text) => DisplayText.Clean(text).Replace('\n', ' ').Trim();

    // A table cell: one line, pipes escaped (a '|' would end the cell), clipped.
    private static string Cell(string text)
    {
        var line = Line(text);
        if (line.Length > MaxCellLength) line = line[..(MaxCellLength - 1)] + "…";
        return line.Replace("|", "\\|", StringComparison.Ordinal);
    }
}
