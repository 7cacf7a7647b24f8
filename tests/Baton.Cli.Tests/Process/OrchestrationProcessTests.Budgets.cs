using System.Text.Json;
using Baton.Core.Orchestration;
using Baton.Local.Settings;

namespace Baton.Cli.Tests.Process;

/// <summary>A venture's daily budget holding a task (docs/architecture.md §14 Budgets), as <c>baton tasks</c> shows it, in both modes.</summary>
public abstract partial class OrchestrationProcessTests
{
    [Fact]
    public async Task TasksList_TaskOverItsVenturesDailyBudget_ShowsItQueuedAndHeldWithTheReason()
    {
        // The file for local mode (applied at every local run), the API for the server, which read the file at its start.
        File.WriteAllText(Path.Combine(Workspace.DataDir, "ventures.json"),
            Workspace.VenturesJson.Replace("\"note_tags\": [] }", "\"note_tags\": [], \"daily_budget_usd\": 0.1 }", StringComparison.Ordinal));
        var set = await Workspace.RunAsync("ventures", "set", "alpha", "--name", "Project Alpha", "--org", "example-org", "--repo", "alpha-console",
            "--daily-budget-usd", "0.1");
        Assert.True(set.ExitCode == 0, set.ToString());
        var agent = await RegisterAsync("claude-worker", "code-review=0.8");
        var id = TaskIdIn(await Workspace.RunAsync("tasks", "add", "--capability", "code-review", "--title", "Review", "--max-cost-usd", "0.5"));
        Assert.Null(await PollOnceAsync(agent));

        var list = await Workspace.RunAsync("tasks", "list", "--venture", "alpha");
        var show = await Workspace.RunAsync("tasks", "show", id);
        var json = await Workspace.RunAsync("tasks", "list", "--venture", "alpha", "--json");

        const string reason = "venture alpha's daily budget of $0.10: this task may cost up to $0.50, more than the whole budget; assignable once the budget is raised";
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("queued (held)", LineWith(list.Out, id));
        Assert.Contains($"{id} held: {reason}", list.Out);
        Assert.Contains("queued 1 (1 held)", list.Out);
        Assert.Contains($"  held: {reason}", show.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(reason, document.RootElement.GetProperty("items")[0].GetProperty("held").GetString());
    }

    /// <summary>One long poll of a second: the pass it starts judges the queue; the answer is the task given, if any.</summary>
    private async Task<string?> PollOnceAsync(string agentId)
    {
        var environment = new Dictionary<string, string>(Workspace.Environment) { [BatonSettingsLoader.DataDirVariable] = Workspace.DataDir };
        var settings = BatonSettingsLoader.Load(new Dictionary<string, string>(), environment);
        await using var connection = await BatonConnection.OpenAsync(settings, TestTimeouts.Token(), longRunning: true);
        return (await connection.Agents.NextTaskAsync(agentId, new NextTaskRequest(1), TestTimeouts.Token())).Task?.Id;
    }
}
