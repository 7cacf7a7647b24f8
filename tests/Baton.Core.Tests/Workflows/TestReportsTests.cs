using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class TestReportsTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Workflows", "Fixtures", name));

    [Fact]
    public void Fixtures_EmbeddedInBatonTesting_AreTheFilesHere()
    {
        foreach (var name in TestReportFixtures.All) Assert.Equal(Fixture(name), TestReportFixtures.Read(name));
    }

    [Fact]
    public void Read_JUnitWithFailureErrorAndSkip_CountsAndNamesEachFailure()
    {
        var run = TestReports.Read("target/surefire-reports/TEST-cart.xml", Fixture(TestReportFixtures.JUnitFailures));

        Assert.Equal((3, 2, 1), (run.Passed, run.Failed, run.Skipped));
        Assert.Equal(["target/surefire-reports/TEST-cart.xml"], run.Reports);
        Assert.Empty(run.Problems);
        Assert.Collection(run.Failures,
            f =>
            {
                Assert.Equal("com.example.cart.CartServiceTest", f.Suite);
                Assert.Equal("appliesDiscountCode", f.Test);
                // The message attribute wins over the stack trace in the element's text.
                Assert.Equal("expected: <90.00> but was: <100.00>", f.Message);
            },
            f =>
            {
                Assert.Equal("checksOutWithSavedCard", f.Test);
                // No message attribute: the element's text, its first lines.
                Assert.StartsWith("java.net.ConnectException: Connection refused (payments-stub:8080)\n\tat java.base/sun.nio.ch.Net.connect0", f.Message);
            });
    }

    [Fact]
    public void Read_JUnitTestcaseWithoutClassname_TakesTheSuiteFromItsTestsuite()
    {
        const string xml = """
            <testsuites><testsuite name="PriceFormatterTest"><testcase name="formatsYen"><failure>boom</failure></testcase></testsuite></testsuites>
            """;

        var failure = Assert.Single(TestReports.Read("junit.xml", xml).Failures);

        Assert.Equal(("PriceFormatterTest", "formatsYen", "boom"), (failure.Suite, failure.Test, failure.Message));
    }

    [Fact]
    public void Read_LoneJUnitTestsuiteAllPassing_CountsThePasses()
    {
        var run = TestReports.Read("junit.xml", Fixture(TestReportFixtures.JUnitPass));

        Assert.Equal((3, 0, 0), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Failures);
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void Read_TrxWithFailures_NamesTheClassFromItsDefinitionAndTheErrorMessage()
    {
        var run = TestReports.Read("TestResults/ci.trx", Fixture(TestReportFixtures.TrxFailures));

        Assert.Equal((2, 2, 1), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Problems);
        Assert.Collection(run.Failures,
            f =>
            {
                Assert.Equal("Shop.Tests.InvoiceTests", f.Suite);
                Assert.Equal("Shop.Tests.InvoiceTests.AppliesVat(rate: 0.2)", f.Test);
                Assert.Equal("Assert.Equal() Failure: Values differ\nExpected: 120.00\nActual:   100.00", f.Message);
            },
            f =>
            {
                // An assembly-qualified className is cut to the class.
                Assert.Equal("Shop.Tests.CheckoutTests", f.Suite);
                Assert.Equal("Shop.Tests.CheckoutTests.ChargesCard", f.Test);
                Assert.StartsWith("System.Net.Http.HttpRequestException : Connection refused (localhost:9090)", f.Message);
            });
    }

    [Fact]
    public void Read_TrxAllPassing_CountsThePasses()
    {
        var run = TestReports.Read("ci.trx", Fixture(TestReportFixtures.TrxPass));

        Assert.Equal((2, 0, 0), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Problems);
    }

    [Theory]
    [InlineData("Timeout")]
    [InlineData("Aborted")]
    [InlineData("Error")]
    [InlineData("SomethingNew")]
    public void Read_TrxOutcomeOtherThanAPassOrNotRun_IsAFailureNamingTheOutcome(string outcome)
    {
        var trx = $"""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
            <UnitTestResult testId="t1" testName="Slow" outcome="{outcome}" /></Results></TestRun>
            """;

        var run = TestReports.Read("a.trx", trx);

        Assert.Equal((0, 1), (run.Passed, run.Failed));
        Assert.Equal(("", "Slow", $"outcome {outcome}"), (run.Failures[0].Suite, run.Failures[0].Test, run.Failures[0].Message));
    }

    [Fact]
    public void Read_PlaywrightWithNestedDescribes_SuiteIsFileAndDescribeTitles()
    {
        var run = TestReports.Read("test-results/results.json", Fixture(TestReportFixtures.PlaywrightFailures));

        Assert.Equal((2, 2, 1), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Problems);
        Assert.Collection(run.Failures,
            f =>
            {
                Assert.Equal("checkout.spec.ts › checkout › with a saved card", f.Suite);
                Assert.Equal("pays in one click", f.Test);
                // Terminal colours are gone; the message of the last try is kept, its first lines.
                Assert.Equal("Error: expect(locator).toHaveText(expected)\n\nLocator: getByTestId('status')\nExpected string: \"Paid\"\nReceived string: \"Payment declined\"", f.Message);
            },
            f =>
            {
                Assert.Equal("search.spec.ts", f.Suite);
                Assert.Equal("finds a product by name", f.Test);
                Assert.Equal("Test timeout of 30000ms exceeded.", f.Message);
            });
    }

    [Fact]
    public void Read_PlaywrightFlakyTest_CountsAsPassed()
    {
        var run = TestReports.Read("results.json", Fixture(TestReportFixtures.PlaywrightPass));

        Assert.Equal((2, 0, 0), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Failures);
    }

    [Fact]
    public void Read_PlaywrightTimedOutWithoutStatusOrMessage_IsAFailureSayingItTimedOut()
    {
        const string json = """
            {"suites":[{"title":"a.spec.ts","file":"a.spec.ts","specs":[{"title":"waits","tests":[{"results":[{"status":"timedOut","errors":[]}]}]}]}]}
            """;

        var failure = Assert.Single(TestReports.Read("r.json", json).Failures);

        Assert.Equal(("a.spec.ts", "waits", "timed out"), (failure.Suite, failure.Test, failure.Message));
    }

    [Fact]
    public void Read_PlaywrightErrorOutsideAnyTest_IsAFailure()
    {
        const string json = """
            {"suites":[],"errors":[{"message":"Error: Cannot find module './helpers'"}],"stats":{"expected":0,"unexpected":0,"skipped":0,"flaky":0}}
            """;

        var run = TestReports.Read("r.json", json);

        Assert.Equal(1, run.Failed);
        Assert.Equal("Error: Cannot find module './helpers'", run.Failures[0].Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("PASS all good", "not JUnit XML, TRX or Playwright JSON")]
    [InlineData("<html><body>report</body></html>", "root element <html>")]
    [InlineData("<testsuite><testcase", "not well-formed XML")]
    [InlineData("{\"tests\": 3}", "not Playwright's JSON reporter")]
    [InlineData("{\"suites\": [", "not valid JSON")]
    public void Read_SomethingElse_IsARunWithOneProblemNamingTheFile(string content, string why)
    {
        var run = TestReports.Read("out/report.xml", content);

        var problem = Assert.Single(run.Problems);
        Assert.StartsWith("out/report.xml: ", problem);
        Assert.Contains(why, problem);
        Assert.Equal((0, 0, 0), (run.Passed, run.Failed, run.Skipped));
        Assert.Empty(run.Reports);
    }

    [Fact]
    public void Read_XmlWithADoctype_IsRefusedWithoutExpandingIt()
    {
        const string laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <testsuite name="&lol3;"><testcase name="x"/></testsuite>
            """;

        var run = TestReports.Read("evil.xml", laughs);

        Assert.Contains("not well-formed XML", Assert.Single(run.Problems));
        Assert.Equal(0, run.Passed);
    }

    [Fact]
    public void Read_JsonNestedDeeperThanAnyReport_IsAProblemNotACrash()
    {
        var deep = "{\"suites\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.Contains("not valid JSON", Assert.Single(TestReports.Read("deep.json", deep).Problems));
    }

    [Fact]
    public void Read_XmlNestedDeeply_ReadsWithoutOverflowing()
    {
        var deep = "<testsuites>" + string.Concat(Enumerable.Repeat("<testsuite name=\"s\">", 20_000)) + "<testcase name=\"t\"/>"
            + string.Concat(Enumerable.Repeat("</testsuite>", 20_000)) + "</testsuites>";

        Assert.Equal(1, TestReports.Read("deep.xml", deep).Passed);
    }

    [Fact]
    public void Read_TrxWithoutItsNamespace_IsStillRead()
    {
        const string trx = """<TestRun><Results><UnitTestResult testId="t1" testName="A" outcome="Passed" /></Results></TestRun>""";

        Assert.Equal(1, TestReports.Read("a.trx", trx).Passed);
    }

    [Fact]
    public void Read_ReportOverTheSizeCap_IsRefusedUnread()
    {
        var huge = "<testsuite>" + new string(' ', TestReports.MaxReportChars) + "</testsuite>";

        var run = TestReports.Read("huge.xml", huge);

        Assert.Contains("not read", Assert.Single(run.Problems));
    }

    [Fact]
    public void Read_LongFailureMessage_KeepsItsFirstLinesOnly()
    {
        var message = string.Join("\n", Enumerable.Range(1, 40).Select(i => $"line {i}"));
        var xml = $"<testsuite name=\"s\"><testcase name=\"t\"><failure>{message}</failure></testcase></testsuite>";

        var failure = Assert.Single(TestReports.Read("j.xml", xml).Failures);

        Assert.Equal(string.Join("\n", Enumerable.Range(1, TestReports.MaxMessageLines).Select(i => $"line {i}")), failure.Message);
    }

    [Fact]
    public void Merge_SeveralRuns_SumsCountsAndConcatenatesTheRest()
    {
        var junit = TestReports.Read("junit.xml", Fixture(TestReportFixtures.JUnitFailures));
        var trx = TestReports.Read("ci.trx", Fixture(TestReportFixtures.TrxFailures));
        var bad = TestReports.Read("bad.json", "nope");

        var run = TestReports.Merge([junit, trx, bad]);

        Assert.Equal((5, 4, 2), (run.Passed, run.Failed, run.Skipped));
        Assert.Equal(4, run.Failures.Count);
        Assert.Equal("appliesDiscountCode", run.Failures[0].Test);
        Assert.Equal("Shop.Tests.CheckoutTests.ChargesCard", run.Failures[3].Test);
        Assert.Equal(["junit.xml", "ci.trx"], run.Reports);
        Assert.Single(run.Problems);
    }

    [Fact]
    public void Merge_NoRuns_IsEmpty()
    {
        Assert.Same(TestRun.Empty, TestReports.Merge([]));
    }
}
