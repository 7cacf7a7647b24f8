using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Baton.Core.Common;

namespace Baton.Core.Workflows;

/// <summary>
/// Reads test reports (QA, docs/architecture.md §17) in their real formats: JUnit XML (<c>&lt;testsuites&gt;</c> /
/// <c>&lt;testsuite&gt;</c>), Visual Studio TRX, and Playwright's JSON reporter. Pure: the worker reads the files and
/// passes their text.
/// </summary>
public static partial class TestReports
{
    /// <summary>Reports larger than this are refused unread: a test command's output is untrusted and parsing holds it whole.</summary>
    public const int MaxReportChars = 32 * 1024 * 1024;

    /// <summary>A failure's message keeps at most this many lines and characters (the bug issue shows the first line; the rest is context).</summary>
    public const int MaxMessageLines = 10;
    public const int MaxMessageLength = 2_000;

    private const string TrxNamespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>The run one report describes; the format is judged from the content (the name only for messages). A report that cannot be read is a <see cref="TestRun"/> with one problem.</summary>
    public static TestRun Read(string relativePath, string content)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length > MaxReportChars)
            return Unreadable(relativePath, $"larger than {MaxReportChars / (1024 * 1024)} MiB; not read");

        var text = content.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (text.IsEmpty) return Unreadable(relativePath, "empty");
        try
        {
            return text[0] switch
            {
                '<' => ReadXml(relativePath, content),
                '{' => ReadPlaywright(relativePath, content),
                _ => Unreadable(relativePath, "not JUnit XML, TRX or Playwright JSON (it starts with neither '<' nor '{')"),
            };
        }
        catch (XmlException e)
        {
            // XmlException messages name the line and position only: nothing of the content.
            return Unreadable(relativePath, $"not well-formed XML ({e.Message})");
        }
        catch (JsonException e)
        {
            return Unreadable(relativePath, e.LineNumber is { } line ? $"not valid JSON (line {line + 1})" : "not valid JSON");
        }
    }

    /// <summary>Several reports' runs as one: counts summed, failures, reports and problems concatenated.</summary>
    public static TestRun Merge(IReadOnlyList<TestRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) return TestRun.Empty;
        if (runs.Count == 1) return runs[0];
        return new TestRun(
            runs.Sum(r => r.Passed),
            runs.Sum(r => r.Failed),
            runs.Sum(r => r.Skipped),
            runs.SelectMany(r => r.Failures).ToList(),
            runs.SelectMany(r => r.Reports).ToList(),
            runs.SelectMany(r => r.Problems).ToList());
    }

    private static TestRun Unreadable(string path, string why) => new(0, 0, 0, [], [], [$"{path}: {why}"]);

    private static TestRun ReadXml(string path, string content)
    {
        var settings = new XmlReaderSettings
        {
            // A hostile report must not expand entities (billion laughs) or make the reader fetch anything.
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxReportChars,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        using var reader = XmlReader.Create(new StringReader(content), settings);
        var root = XDocument.Load(reader).Root!;
        // TRX is namespaced; a tool that writes it without the namespace still writes its shape.
        if (root.Name.LocalName == "TestRun" && (root.Name.NamespaceName == TrxNamespace || root.Name.NamespaceName.Length == 0)) return ReadTrx(path, root);
        if (root.Name.NamespaceName.Length == 0 && root.Name.LocalName is "testsuites" or "testsuite") return ReadJUnit(path, root);
        return Unreadable(path, $"not JUnit XML, TRX or Playwright JSON (root element <{root.Name.LocalName}>)");
    }

    private static TestRun ReadJUnit(string path, XElement root)
    {
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<TestFailure>();
        foreach (var testcase in root.Descendants("testcase"))
        {
            var suite = Attr(testcase, "classname") ?? testcase.Ancestors("testsuite").Select(s => Attr(s, "name")).FirstOrDefault(n => n is not null) ?? "";
            var name = Attr(testcase, "name") ?? "";
            var problem = testcase.Element("failure") ?? testcase.Element("error");
            if (problem is not null)
            {
                failed++;
                var message = Attr(problem, "message") ?? problem.Value;
                if (string.IsNullOrWhiteSpace(message)) message = Attr(problem, "type") ?? problem.Name.LocalName;
                failures.Add(new TestFailure(Clean(suite), Clean(name), Message(message)));
            }
            else if (testcase.Element("skipped") is not null) skipped++;
            else passed++;
        }
        return new TestRun(passed, failed, skipped, failures, [path], []);
    }

    private static TestRun ReadTrx(string path, XElement root)
    {
        var ns = root.Name.Namespace;
        // The class of each test, by its id: results name the test, definitions name its class.
        var classes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var unitTest in root.Elements(ns + "TestDefinitions").Elements(ns + "UnitTest"))
        {
            var id = Attr(unitTest, "id");
            var className = Attr(unitTest.Element(ns + "TestMethod"), "className");
            if (id is not null && className is not null) classes.TryAdd(id, ShortClassName(className));
        }

        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<TestFailure>();
        // Only the top results: a data-driven test's InnerResults are already summed up in its outer result.
        foreach (var result in root.Elements(ns + "Results").Elements(ns + "UnitTestResult"))
        {
            var outcome = Attr(result, "outcome") ?? "";
            switch (Outcome(outcome))
            {
                case TrxOutcome.Passed:
                    passed++;
                    break;
                case TrxOutcome.Skipped:
                    skipped++;
                    break;
                default:
                    failed++;
                    var suite = Attr(result, "testId") is { } id && classes.TryGetValue(id, out var c) ? c : "";
                    var info = result.Element(ns + "Output")?.Element(ns + "ErrorInfo");
                    var message = info?.Element(ns + "Message")?.Value;
                    if (string.IsNullOrWhiteSpace(message)) message = $"outcome {(outcome.Length == 0 ? "missing" : outcome)}";
                    failures.Add(new TestFailure(Clean(suite), Clean(Attr(result, "testName") ?? ""), Message(message)));
                    break;
            }
        }
        return new TestRun(passed, failed, skipped, failures, [path], []);
    }

    private enum TrxOutcome { Passed, Skipped, Failed }

    // TRX outcomes (vstst.xsd TestOutcome): a result that is neither a pass nor plainly not run counts as a failure,
    // so an outcome this reader does not know can never make QA pass.
    private static TrxOutcome Outcome(string outcome) => outcome.ToLowerInvariant() switch
    {
        "passed" or "passedbutrunaborted" or "warning" or "completed" => TrxOutcome.Passed,
        "notexecuted" or "inconclusive" or "notrunnable" or "pending" => TrxOutcome.Skipped,
        _ => TrxOutcome.Failed,
    };

    // Old MSTest writes the assembly-qualified name ("Ns.Class, Ns, Version=…"): the suite is the class.
    private static string ShortClassName(string className)
    {
        var comma = className.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? className : className[..comma]).Trim();
    }

    private static TestRun ReadPlaywright(string path, string content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 512 });
        var root = document.RootElement;
        if (!root.TryGetProperty("suites", out var suites) || suites.ValueKind != JsonValueKind.Array)
            return Unreadable(path, "JSON, but not Playwright's JSON reporter (no \"suites\" array)");

        var counts = new PlaywrightCounts();
        foreach (var suite in suites.EnumerateArray()) ReadSuite(suite, null, [], counts);

        // Errors outside any test (a spec file that does not load, a failing global setup): the run did not pass.
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
            {
                counts.Failed++;
                counts.Failures.Add(new TestFailure("(run)", "(outside any test)", Message(ErrorMessage(error) ?? "an error outside any test")));
            }
        }

        // No tests found but the summary counts some (a report trimmed of its suites): trust the summary's counts.
        if (counts.Passed + counts.Failed + counts.Skipped == 0 && root.TryGetProperty("stats", out var stats) && stats.ValueKind == JsonValueKind.Object)
        {
            counts.Passed = Int(stats, "expected") + Int(stats, "flaky");
            counts.Failed = Int(stats, "unexpected");
            counts.Skipped = Int(stats, "skipped");
        }
        return new TestRun(counts.Passed, counts.Failed, counts.Skipped, counts.Failures, [path], []);
    }

    private sealed class PlaywrightCounts
    {
        public int Passed;
        public int Failed;
        public int Skipped;
        public List<TestFailure> Failures { get; } = [];
    }

    private static void ReadSuite(JsonElement suite, string? file, List<string> titles, PlaywrightCounts counts)
    {
        if (suite.ValueKind != JsonValueKind.Object) return;
        var title = String(suite, "title");
        var isFileSuite = file is null;
        file ??= String(suite, "file") ?? title ?? "";
        // The top suite of a file is titled with the file's name: the describe titles are those below it.
        var described = isFileSuite || string.IsNullOrEmpty(title) ? titles : [.. titles, title];

        if (suite.TryGetProperty("specs", out var specs) && specs.ValueKind == JsonValueKind.Array)
        {
            var suiteName = string.Join(" › ", new[] { file }.Concat(described));
            foreach (var spec in specs.EnumerateArray()) ReadSpec(spec, suiteName, counts);
        }
        if (suite.TryGetProperty("suites", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in children.EnumerateArray()) ReadSuite(child, file, described, counts);
        }
    }

    private static void ReadSpec(JsonElement spec, string suite, PlaywrightCounts counts)
    {
        if (spec.ValueKind != JsonValueKind.Object) return;
        var title = String(spec, "title") ?? "";
        if (!spec.TryGetProperty("tests", out var tests) || tests.ValueKind != JsonValueKind.Array) return;
        var several = tests.GetArrayLength() > 1;
        foreach (var test in tests.EnumerateArray())
        {
            if (test.ValueKind != JsonValueKind.Object) continue;
            var results = test.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
            var last = results.Count > 0 ? String(results[^1], "status") : null;
            // The test's status is Playwright's own verdict over its retries (flaky: failed, then passed on a retry).
            var outcome = String(test, "status") switch
            {
                "expected" or "flaky" => TrxOutcome.Passed,
                "skipped" => TrxOutcome.Skipped,
                "unexpected" => TrxOutcome.Failed,
                _ => last switch
                {
                    "passed" => TrxOutcome.Passed,
                    "skipped" => TrxOutcome.Skipped,
                    _ => TrxOutcome.Failed,
                },
            };
            switch (outcome)
            {
                case TrxOutcome.Passed:
                    counts.Passed++;
                    break;
                case TrxOutcome.Skipped:
                    counts.Skipped++;
                    break;
                default:
                    counts.Failed++;
                    var project = String(test, "projectName");
                    var name = several && !string.IsNullOrEmpty(project) ? $"{title} [{project}]" : title;
                    counts.Failures.Add(new TestFailure(Clean(suite), Clean(name), Message(FailureMessage(results) ?? "failed (no message)")));
                    break;
            }
        }
    }

    // The last failing try's message: error.message, else the first of errors[], else what its status says.
    private static string? FailureMessage(List<JsonElement> results)
    {
        for (var i = results.Count - 1; i >= 0; i--)
        {
            var result = results[i];
            if (result.ValueKind != JsonValueKind.Object) continue;
            var status = String(result, "status");
            if (status is "passed" or "skipped") continue;
            if (result.TryGetProperty("error", out var error) && ErrorMessage(error) is { } message) return message;
            if (result.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in errors.EnumerateArray())
                    if (ErrorMessage(e) is { } m) return m;
            }
            return status switch
            {
                "timedOut" => "timed out",
                "interrupted" => "interrupted",
                null => null,
                _ => status,
            };
        }
        return null;
    }

    private static string? ErrorMessage(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object ? String(error, "message") ?? String(error, "value") : null;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0 ? n : 0;

    private static string? Attr(XElement? element, string name)
    {
        var value = element?.Attribute(name)?.Value;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static string Clean(string text) => DisplayText.Clean(AnsiPattern().Replace(text, "")).Trim();

    /// <summary>The first lines of a message, ANSI colours and hidden characters removed (it goes into an issue).</summary>
    private static string Message(string message)
    {
        var lines = Clean(message).Split('\n').Select(l => l.TrimEnd()).SkipWhile(l => l.Length == 0).Take(MaxMessageLines);
        var text = string.Join('\n', lines).TrimEnd();
        if (text.Length > MaxMessageLength) text = text[..(MaxMessageLength - 1)] + "…";
        return text;
    }

    // Playwright's messages carry terminal colours (ESC [ … m); DisplayText.Clean would drop the ESC and keep "[31m".
    [GeneratedRegex(@"\u001b\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex AnsiPattern();
}
