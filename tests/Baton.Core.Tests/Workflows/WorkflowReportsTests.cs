using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class WorkflowReportsTests
{
    [Fact]
    public void Smoke_AllPassed_SaysSoAndListsEachCheck()
    {
        var report = WorkflowReports.Smoke([
            new SmokeResult("https://shop.example/healthz", true, 200, 12, null),
            new SmokeResult("https://shop.example/readyz", true, 204, 30, null),
        ]);

        Assert.StartsWith("**Smoke checks passed**: 2 of 2 endpoints answered 2xx.\n", report);
        Assert.Contains("| URL | Critical | Status | Time (ms) | Result |", report);
        Assert.Contains("| https://shop.example/healthz | yes | 200 | 12 | ok |", report);
        Assert.Contains("| https://shop.example/readyz | yes | 204 | 30 | ok |", report);
    }

    [Fact]
    public void Smoke_CriticalFailed_NamesTheCriticalOnesInTheHeading()
    {
        var report = WorkflowReports.Smoke([
            new SmokeResult("https://shop.example/healthz", true, 503, 8, "HTTP 503"),
            new SmokeResult("https://shop.example/readyz", true, null, 5000, "no answer within 5 s"),
            new SmokeResult("https://shop.example/search?q=a|b", false, 500, 40, "HTTP 500"),
        ]);

        Assert.StartsWith("**Smoke checks failed**: 2 critical endpoints failed: https://shop.example/healthz, https://shop.example/readyz.\n", report);
        Assert.Contains("| https://shop.example/readyz | yes | — | 5000 | no answer within 5 s |", report);
        // A pipe in a cell is escaped so the table keeps its columns.
        Assert.Contains("| https://shop.example/search?q=a\\|b | no | 500 | 40 | HTTP 500 |", report);
    }

    [Fact]
    public void Smoke_OnlyNonCriticalFailed_PassesAndCountsThem()
    {
        var report = WorkflowReports.Smoke([
            new SmokeResult("https://shop.example/healthz", true, 200, 8, null),
            new SmokeResult("https://shop.example/blog", false, 404, 9, "HTTP 404"),
        ]);

        Assert.StartsWith("**Smoke checks passed**: 1 of 2 endpoints answered 2xx; 1 non-critical endpoint failed.\n", report);
    }

    [Fact]
    public void Smoke_NothingChecked_SaysSo()
    {
        Assert.Contains("none were run", WorkflowReports.Smoke([]));
    }

    [Fact]
    public void Tests_Failures_CountsAndTableWithFirstLineOfEachMessage()
    {
        var run = new TestRun(3, 2, 1,
            [new TestFailure("CartTest", "applies | discounts", "expected 90\nbut was 100"), new TestFailure("a.spec.ts › checkout", "pays", "\n  Timeout\nmore")],
            ["junit.xml", "results.json"], ["bad.xml: empty"]);

        var report = WorkflowReports.Tests(run);

        Assert.StartsWith("**Tests**: 3 passed, 2 failed, 1 skipped (2 reports).\n", report);
        Assert.Contains("- bad.xml: empty\n", report);
        Assert.Contains("| Suite | Test | Message |", report);
        Assert.Contains("| CartTest | applies \\| discounts | expected 90 |", report);
        Assert.Contains("| a.spec.ts › checkout | pays | Timeout |", report);
        Assert.DoesNotContain("but was 100", report);
    }

    [Fact]
    public void Tests_MoreThanFiftyFailures_ListsFiftyAndCountsTheRest()
    {
        var failures = Enumerable.Range(1, 53).Select(i => new TestFailure("S", $"t{i}", "boom")).ToList();

        var report = WorkflowReports.Tests(new TestRun(0, 53, 0, failures, ["junit.xml"], []));

        Assert.Contains("| S | t50 | boom |", report);
        Assert.DoesNotContain("| S | t51 |", report);
        Assert.Contains("…and 3 more failing tests not listed.", report);
    }

    [Fact]
    public void Tests_NoReportRead_SaysSo()
    {
        Assert.StartsWith("**Tests**: 0 passed, 0 failed, 0 skipped (no report read).", WorkflowReports.Tests(TestRun.Empty));
    }
}
