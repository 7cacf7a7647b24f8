using System.Text.Json;
using Baton.Core.Orchestration;
using Baton.Local.Settings;

namespace Baton.Cli.Tests.Process;

/// <summary><c>baton spend</c> (docs/architecture.md §15 Spend) in both modes, after a worker reported usage with its result.</summary>
public abstract partial class OrchestrationProcessTests
{
    [Fact]
    public async Task Spend_AfterAWorkerReportedUsage_PrintsExactSumsPerAgentAndAsJson()
    {
        var agent = await RegisterAsync("claude-worker", "code-review=0.8");
        TaskIdIn(await Workspace.RunAsync("tasks", "add", "--capability", "code-review", "--title", "Review"));
        await TakeStartAndCompleteAsync(agent, new UsageInput(12_000, 345, 0.1));
        TaskIdIn(await Workspace.RunAsync("tasks", "add", "--capability", "code-review", "--title", "Review again"));
        await TakeStartAndCompleteAsync(agent, new UsageInput(1_000, 0, 0.2));

        var text = await Workspace.RunAsync("spend", "--by", "agent", "--since", "7d");
        var json = await Workspace.RunAsync("spend", "--venture", "alpha", "--json");
        var byVentureDay = await Workspace.RunAsync("spend", "--by", "venture_day", "--since", "7d");
        var bad = await Workspace.RunAsync("spend", "--since", "yesterday");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("13,345 tokens (13,000 in, 345 out) · 2 reports · $0.30.", text.Out);
        Assert.Contains($"  {agent} (claude-worker)  13,345 tokens", text.Out);
        Assert.Contains("1 agent", text.Out);
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Out))
        {
            var totals = document.RootElement.GetProperty("totals");
            Assert.Equal("0.3", totals.GetProperty("cost_usd").GetRawText());
            Assert.Equal(2, totals.GetProperty("reports").GetInt64());
            Assert.Equal("alpha", document.RootElement.GetProperty("groups")[0].GetProperty("key").GetString());
        }
        // The dashboard's grouping is the CLI's too: each venture's UTC days, the venture as key and the day as label.
        Assert.True(byVentureDay.ExitCode == 0, byVentureDay.ToString());
        Assert.Matches(@"  alpha \(\d{4}-\d\d-\d\d\)  13,345 tokens", byVentureDay.Out);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("since", bad.Error);
    }

    /// <summary>The worker's side: take the assigned task, start it, complete it reporting what the CLI run used.</summary>
    private async Task TakeStartAndCompleteAsync(string agentId, UsageInput usage)
    {
        var environment = new Dictionary<string, string>(Workspace.Environment) { [BatonSettingsLoader.DataDirVariable] = Workspace.DataDir };
        var settings = BatonSettingsLoader.Load(new Dictionary<string, string>(), environment);
        await using var connection = await BatonConnection.OpenAsync(settings, TestTimeouts.Token(), longRunning: true);
        var task = (await connection.Agents.NextTaskAsync(agentId, new NextTaskRequest(25), TestTimeouts.Token())).Task!;
        await connection.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), TestTimeouts.Token());
        await connection.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, Usage: usage), TestTimeouts.Token());
    }
}
