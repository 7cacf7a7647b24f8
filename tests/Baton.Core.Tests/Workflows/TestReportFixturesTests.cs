using System.Diagnostics;
using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class TestReportFixturesTests
{
    [Fact]
    public async Task Command_RunWithSh_WritesEachReportAndExitsWithTheCode()
    {
        using var dir = new TempDirectory();
        var command = TestReportFixtures.Command(1,
            (TestReportFixtures.JUnitFailures, "build/test-results/TEST-cart.xml"),
            (TestReportFixtures.PlaywrightPass, "test-results/results.json"));

        var start = new ProcessStartInfo("sh") { WorkingDirectory = dir.Path, ArgumentList = { "-c", command } };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(TestTimeouts.Token());

        Assert.Equal(1, process.ExitCode);
        var junit = TestReports.Read("j", await File.ReadAllTextAsync(Path.Combine(dir.Path, "build/test-results/TEST-cart.xml")));
        Assert.Equal((3, 2, 1), (junit.Passed, junit.Failed, junit.Skipped));
        Assert.Equal(TestReportFixtures.Read(TestReportFixtures.PlaywrightPass).TrimEnd('\n'),
            (await File.ReadAllTextAsync(Path.Combine(dir.Path, "test-results/results.json"))).TrimEnd('\n'));
    }

    [Fact]
    public void WriteTo_RelativePath_CreatesDirectoriesAndWritesTheFixture()
    {
        using var dir = new TempDirectory();

        var path = TestReportFixtures.WriteTo(dir.Path, TestReportFixtures.TrxPass, "TestResults/run.trx");

        Assert.Equal(Path.Combine(dir.Path, "TestResults/run.trx"), path);
        Assert.Equal(2, TestReports.Read("run.trx", File.ReadAllText(path)).Passed);
    }
}
