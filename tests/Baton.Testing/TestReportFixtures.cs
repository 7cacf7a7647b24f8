using System.Reflection;

namespace Baton.Testing;

/// <summary>
/// Real-format test reports (JUnit XML, Visual Studio TRX, Playwright's JSON reporter) for QA tests: the files under
/// tests/Baton.Core.Tests/Workflows/Fixtures, embedded here so any test project can read them or have a fake test
/// command write them. The counts each one holds are constants beside it (the parser tests hold the files to them).
/// </summary>
public static class TestReportFixtures
{
    /// <summary>JUnit: 3 passed, 1 failure and 1 error (2 failed), 1 skipped; one case without classname (suite from its testsuite).</summary>
    public const string JUnitFailures = "junit-failures.xml";
    /// <summary>JUnit, a lone &lt;testsuite&gt; (pytest's shape): 3 passed.</summary>
    public const string JUnitPass = "junit-pass.xml";
    /// <summary>TRX: 2 passed, 2 failed, 1 not executed (skipped).</summary>
    public const string TrxFailures = "trx-failures.trx";
    /// <summary>TRX: 2 passed.</summary>
    public const string TrxPass = "trx-pass.trx";
    /// <summary>Playwright: nested describes; 2 passed, 1 failed (after a retry), 1 timed out, 1 skipped.</summary>
    public const string PlaywrightFailures = "playwright-failures.json";
    /// <summary>Playwright: 2 passed, one of them flaky (failed, then passed on its retry).</summary>
    public const string PlaywrightPass = "playwright-pass.json";

    public static IReadOnlyList<string> All { get; } = [JUnitFailures, JUnitPass, TrxFailures, TrxPass, PlaywrightFailures, PlaywrightPass];

    public static IReadOnlyList<string> Failing { get; } = [JUnitFailures, TrxFailures, PlaywrightFailures];

    public static IReadOnlyList<string> Passing { get; } = [JUnitPass, TrxPass, PlaywrightPass];

    /// <summary>The fixture's text.</summary>
    public static string Read(string name)
    {
        using var stream = typeof(TestReportFixtures).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new ArgumentException($"no test report fixture named {name}; known: {string.Join(", ", All)}", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Writes the fixture to <paramref name="relativePath"/> under <paramref name="directory"/> (directories created); returns the full path.</summary>
    public static string WriteTo(string directory, string name, string? relativePath = null)
    {
        var path = Path.Combine(directory, relativePath ?? name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Read(name));
        return path;
    }

    /// <summary>
    /// A POSIX sh test command (for a venture's <c>workflow.test_command</c>, run with <c>sh -c</c> in a worktree) that
    /// writes each fixture to its relative path, then exits with <paramref name="exitCode"/> — what a real test runner
    /// does. The reports travel in the command itself (here-documents), so the command works in any directory.
    /// </summary>
    public static string Command(int exitCode, params (string Fixture, string RelativePath)[] reports)
    {
        var lines = new List<string>();
        for (var i = 0; i < reports.Length; i++)
        {
            var (fixture, relative) = reports[i];
            if (relative.Contains('\'', StringComparison.Ordinal)) throw new ArgumentException("a report path with a quote", nameof(reports));
            var marker = $"BATON_REPORT_{i}_EOF";
            var dir = Path.GetDirectoryName(relative);
            if (!string.IsNullOrEmpty(dir)) lines.Add($"mkdir -p '{dir}'");
            lines.Add($"cat > '{relative}' <<'{marker}'");
            lines.Add(Read(fixture).TrimEnd('\n'));
            lines.Add(marker);
        }
        lines.Add($"exit {exitCode}");
        return string.Join('\n', lines) + "\n";
    }

    private const string ResourcePrefix = "Baton.Testing.TestReports.";
}
