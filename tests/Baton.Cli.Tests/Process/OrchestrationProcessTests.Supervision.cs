using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Orchestration;
using Baton.Local.Settings;

namespace Baton.Cli.Tests.Process;

/// <summary><c>baton tasks show</c> with supervisory reports (docs/architecture.md §14 Supervision), in both modes.</summary>
public abstract partial class OrchestrationProcessTests
{
    [Fact]
    public async Task TasksShow_ReviewedTask_ListsTheReportsVerdictConcernsAndSummary()
    {
        var coder = await RegisterAsync("coder", "code=0.8");
        var reviewer = await RegisterAsync("reviewer", "review=0.8");
        var code = TaskIdIn(await Workspace.RunAsync("tasks", "add", "--capability", "code", "--title", "Add paging"));
        await TakeStartAndFinishAsync(coder, new JsonObject { ["ok"] = true });
        var review = TaskIdIn(await Workspace.RunAsync("tasks", "add", "--capability", "review", "--title", "Review: Add paging",
            "--payload", $$"""{"reviews":"{{code}}"}"""));
        await TakeStartAndFinishAsync(reviewer, new JsonObject
        {
            ["verdict"] = "request_changes",
            ["concerns"] = new JsonArray("no test for the last page"),
            ["summary"] = "Almost there.",
        });

        var show = await Workspace.RunAsync("tasks", "show", code);
        var json = await Workspace.RunAsync("tasks", "show", code, "--json");
        var reviewShow = await Workspace.RunAsync("tasks", "show", review);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("Reviews (1):", show.Out);
        Assert.Contains($"request_changes · 1 concern · by {review} on {reviewer}", show.Out);
        Assert.Contains("    summary: Almost there.", show.Out);
        Assert.Contains("    - no test for the last page", show.Out);
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Out))
        {
            var report = document.RootElement.GetProperty("reviews")[0];
            Assert.Equal(("request_changes", review), (report.GetProperty("verdict").GetString(), report.GetProperty("review_task_id").GetString()));
        }
        Assert.True(reviewShow.ExitCode == 0, reviewShow.ToString());
        Assert.Contains($"reviews: {code}", reviewShow.Out);
        Assert.DoesNotContain("Reviews (", reviewShow.Out);
    }

    /// <summary>The worker's side: take the assigned task, start it, complete it with this result.</summary>
    private async Task TakeStartAndFinishAsync(string agentId, JsonObject result)
    {
        var environment = new Dictionary<string, string>(Workspace.Environment) { [BatonSettingsLoader.DataDirVariable] = Workspace.DataDir };
        var settings = BatonSettingsLoader.Load(new Dictionary<string, string>(), environment);
        await using var connection = await BatonConnection.OpenAsync(settings, TestTimeouts.Token(), longRunning: true);
        var task = (await connection.Agents.NextTaskAsync(agentId, new NextTaskRequest(25), TestTimeouts.Token())).Task!;
        await connection.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), TestTimeouts.Token());
        await connection.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, Result: result), TestTimeouts.Token());
    }
}
