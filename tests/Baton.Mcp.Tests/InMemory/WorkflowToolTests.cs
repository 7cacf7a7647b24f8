using Baton.Core.Workflows;
using Baton.Mcp.Tests.Support;

namespace Baton.Mcp.Tests.InMemory;

/// <summary><c>project_status</c>: one workflow by id, or the venture's open workflows (docs/architecture.md §17).</summary>
public sealed class WorkflowToolTests : IAsyncLifetime
{
    private McpHarness _mcp = null!;

    public async Task InitializeAsync() => _mcp = await McpHarness.StartAsync(TempGitRepo.Create());

    public async Task DisposeAsync() => await _mcp.DisposeAsync();

    private async Task<Workflow> StartAsync(string venture, string title) =>
        (await _mcp.Services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Venture: venture, Title: title), TestTimeouts.Token())).Workflow;

    [Fact]
    public async Task ProjectStatus_ById_SaysStateBouncesStepTaskHumanWaitAndPr()
    {
        var started = await StartAsync("alpha", "Add the login page");
        var waiting = started with
        {
            State = WorkflowState.Review, Bounces = 1, PrUrl = "https://github.com/example-org/alpha-console/pull/7",
            WaitingForHuman = "the review approved; waiting for a human", Version = started.Version + 1,
        };
        Assert.True(await _mcp.Store.UpdateWorkflowAsync(waiting, started.Version, [], [], TestTimeouts.Token()));

        var status = (await _mcp.CallAsync("project_status", new { id = started.Id })).Ok();

        Assert.Equal("REVIEW", status.Data().GetProperty("workflow").GetProperty("state").GetString());
        Assert.Contains($"## Workflow {started.Id}: REVIEW", status.Text());
        Assert.Contains("returns to planning 1 of 2", status.Text());
        Assert.Contains("PR: https://github.com/example-org/alpha-console/pull/7", status.Text());
        Assert.Contains("Waiting for a human: the review approved; waiting for a human", status.Text());
        Assert.Contains("(new) → CREATE (created) by local", status.Text());
    }

    [Fact]
    public async Task ProjectStatus_WithoutId_ListsTheVenturesOpenWorkflowsOnly()
    {
        var open = await StartAsync("alpha", "Open one");
        var done = await StartAsync("alpha", "Done one");
        await StartAsync("beta", "Someone else's");
        Assert.True(await _mcp.Store.UpdateWorkflowAsync(done with { State = WorkflowState.Accepted, FinishedAt = done.CreatedAt, Version = 2 }, 1, [], [], TestTimeouts.Token()));

        var status = (await _mcp.CallAsync("project_status", new { venture = "alpha" })).Ok();
        var missing = (await _mcp.CallAsync("project_status", new { id = "wf_01JZZZZZZZZZZZZZZZZZZZZZZZ" })).Failed();

        Assert.Equal(1, status.Data().GetProperty("total").GetInt64());
        Assert.Equal(open.Id, status.Data().GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Contains("## Open workflows of alpha", status.Text());
        Assert.Contains($"`{open.Id}` [CREATE] Open one", status.Text());
        Assert.DoesNotContain(done.Id, status.Text());
        Assert.Contains("workflow", missing.Text());
    }
}
