using System.Diagnostics;
using System.Text.Json;

namespace Baton.Cli.Tests.Workflows;

/// <summary>The fake Claude's scripted answers, which the workflow tests build plans and verdicts from.</summary>
public class FakeAnswersTests
{
    [Fact]
    public async Task Answers_InTurn_FinalMessageIsEachFileThenTheLastRepeats()
    {
        using var dir = new TempDirectory("baton-answers-");
        var agents = new FakeAgentClis(Path.Combine(dir.Path, "bin"));
        var answers = Path.Combine(dir.Path, "review");
        FakeAgentClis.WriteAnswers(answers, ("", "{\"approved\": false, \"concerns\": [\"no \\\"tests\\\"\"]}"), ("", "line one\nline two\twith a tab"));

        var first = await FinalMessageAsync(agents, dir.Path, answers);
        var second = await FinalMessageAsync(agents, dir.Path, answers);
        var third = await FinalMessageAsync(agents, dir.Path, answers);

        Assert.Equal("{\"approved\": false, \"concerns\": [\"no \\\"tests\\\"\"]}", first);
        Assert.Equal("line one\nline two\twith a tab", second);
        Assert.Equal(second, third);
    }

    private static async Task<string> FinalMessageAsync(FakeAgentClis agents, string cwd, string answers)
    {
        var start = new ProcessStartInfo(agents.Claude) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", "--output-format", "stream-json", "--verbose", "--", "review " + FakeAgentClis.Answers(answers) }) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var json = JsonDocument.Parse(last);
        return json.RootElement.GetProperty("result").GetString()!;
    }
}
