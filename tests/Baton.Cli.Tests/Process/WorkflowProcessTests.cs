using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Workflows;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton projects …</c> and <c>baton sprint …</c> as a person runs them, against the built binary, in local mode and
/// in server mode (a real <c>baton serve</c>), with the stateful fake gh first on PATH of both. The engine that moves a
/// workflow is the lead's and is not what these test: they read what starting and planning store.
/// </summary>
public abstract partial class WorkflowProcessTests : IAsyncLifetime
{
    private const string Repo = "example-org/alpha-console";

    protected Workspace Workspace { get; } = new();

    protected FakeGitHub Gh { get; }

    protected WorkflowProcessTests()
    {
        Gh = new FakeGitHub(Path.Combine(Workspace.Root, "fake-bin"));
        Workspace.Environment["PATH"] = Gh.Bin.SearchPath;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Workspace.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ProjectsStartListShow_FromAnIssue_PrintTheWorkflowAndItsHistory()
    {
        Gh.AddIssue(Repo, 42, "Add the login page", "Users need to sign in.");

        var start = await Workspace.RunAsync("projects", "start", "--issue", "example-org/alpha-console#42", "--human-gate", "review", "--max-bounces", "1");
        var id = WorkflowId().Match(start.Out).Value;
        var list = await Workspace.RunAsync("projects", "list", "--venture", "alpha");
        var show = await Workspace.RunAsync("projects", "show", id);
        var json = await Workspace.RunAsync("projects", "show", id, "--json");
        var filtered = await Workspace.RunAsync("projects", "list", "--state", "in_progress", "--json");

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains($"Started {id} for alpha: \"Add the login page\" from example-org/alpha-console#42 — CREATE, branch {WorkflowIds.BranchOf(id)}.", start.Out);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);
        Assert.Contains("1 workflow", list.Out);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"{id} · CREATE · alpha · example-org/alpha-console#42", show.Out);
        Assert.Contains("returns to planning: 0 of 1", show.Out);
        Assert.Contains("human gates REVIEW", show.Out);
        Assert.Contains("History (1):", show.Out);
        Assert.Contains("started from example-org/alpha-console#42", show.Out);
        Assert.Contains("GitHub effects: 0 done, 0 pending, 0 failing", show.Out);
        using (var document = JsonDocument.Parse(json.Out))
        {
            Assert.Equal("CREATE", document.RootElement.GetProperty("workflow").GetProperty("state").GetString());
        }
        using (var document = JsonDocument.Parse(filtered.Out))
        {
            Assert.Equal(0, document.RootElement.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task ProjectsStart_Refusals_ExitWithTheRightCodeAndSayWhy()
    {
        Gh.FailNext("issue view", 1, "HTTP 401: Bad credentials (https://api.github.com/graphql)");

        var gh = await Workspace.RunAsync("projects", "start", "--issue", "example-org/alpha-console#42");
        var form = await Workspace.RunAsync("projects", "start", "--issue", "alpha-console");
        var nothing = await Workspace.RunAsync("projects", "start");
        var gate = await Workspace.RunAsync("projects", "start", "--title", "x", "--human-gate", "deploy");
        var missing = await Workspace.RunAsync("projects", "show", "wf_01JZZZZZZZZZZZZZZZZZZZZZZZ");

        Assert.Equal(1, gh.ExitCode);
        Assert.Contains("Bad credentials", gh.Error);
        Assert.Contains("(code: github_failed)", gh.Error);
        Assert.Equal(1, form.ExitCode);
        Assert.Contains("org/repo#number", form.Error);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("--issue org/repo#42", nothing.Error);
        Assert.Equal(2, gate.ExitCode);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("workflow_not_found", missing.Error);
    }

    [Fact]
    public async Task ProjectsAdvanceReject_NotAtAGateOrWithoutAReason_AreRefused()
    {
        var start = await Workspace.RunAsync("projects", "start", "--venture", "alpha", "--title", "Tidy the CSS", "--body", "All of it.");
        var id = WorkflowId().Match(start.Out).Value;

        var advance = await Workspace.RunAsync("projects", "advance", id, "--reason", "go");
        var noReason = await Workspace.RunAsync("projects", "reject", id);
        var reject = await Workspace.RunAsync("projects", "reject", id, "--reason", "plan too thin");

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal(1, advance.ExitCode);
        Assert.Contains($"Workflow {id} is CREATE: it can be advanced only at a gate (REVIEW, QA, VALIDATE).", advance.Error);
        Assert.Contains("(code: workflow_state_conflict)", advance.Error);
        Assert.Equal(2, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Error);
        Assert.Equal(1, reject.ExitCode);
    }

    [Fact]
    public async Task ProjectsDiagram_PrintsTheTransitionTable()
    {
        var diagram = await Workspace.RunAsync("projects", "diagram");

        Assert.True(diagram.ExitCode == 0, diagram.ToString());
        Assert.Equal(WorkflowMachine.Mermaid(), diagram.Out);
        var json = await Workspace.RunAsync("projects", "diagram", "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(WorkflowMachine.Mermaid(), document.RootElement.GetProperty("mermaid").GetString());
        Assert.Equal(WorkflowMachine.Transitions.Count, document.RootElement.GetProperty("transitions").GetArrayLength());
        Assert.Equal("IN_PROGRESS", document.RootElement.GetProperty("transitions")[2].GetProperty("to").GetString());
    }

    [Fact]
    public async Task SprintPlan_PrintsTheWavesAndOutsideDependencies_AndACycleIsTheError()
    {
        Gh.AddIssue(Repo, 12, "Schema", "The tables.");
        Gh.AddIssue(Repo, 13, "API", "Depends on #12 and #9.");
        Gh.AddIssue(Repo, 14, "Docs", "");
        Gh.AddIssue(Repo, 20, "Loop A", "Blocked by #21.");
        Gh.AddIssue(Repo, 21, "Loop B", "Depends on #20.");

        var plan = await Workspace.RunAsync("sprint", "plan", "--venture", "alpha", "--issues", "12,13,14");
        var json = await Workspace.RunAsync("sprint", "plan", "--venture", "alpha", "--issues", "12,13,14", "--json");
        var cycle = await Workspace.RunAsync("sprint", "plan", "--venture", "alpha", "--issues", "20,21");
        var bad = await Workspace.RunAsync("sprint", "plan", "--venture", "alpha", "--issues", "12,x");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("Sprint plan for alpha in example-org/alpha-console: 3 issues in 2 waves", plan.Out);
        Assert.Contains("wave 1: #12 Schema, #14 Docs", plan.Out);
        Assert.Contains("wave 2: #13 API", plan.Out);
        Assert.Contains("outside dependencies (not waited for):", plan.Out);
        Assert.Contains("#9", plan.Out);
        using (var document = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(2, document.RootElement.GetProperty("waves").GetArrayLength());
        }
        Assert.Equal(1, cycle.ExitCode);
        Assert.Contains("#20", cycle.Error);
        Assert.Contains("→", cycle.Error);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("'x' is not one", bad.Error);
    }

    [Fact]
    public async Task SprintRunDetached_ShowAndList_PrintTheItemsAndTheReport()
    {
        Gh.AddIssue(Repo, 12, "Schema", "");
        Gh.AddIssue(Repo, 13, "API", "Depends on #12.");

        var run = await Workspace.RunAsync("sprint", "run", "--venture", "alpha", "--issues", "12,13", "--mode", "task", "--detach");
        var id = SprintId().Match(run.Out).Value;
        var show = await Workspace.RunAsync("sprint", "show", id);
        var list = await Workspace.RunAsync("sprint", "list");
        var json = await Workspace.RunAsync("sprint", "show", id, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Started {id} for alpha in example-org/alpha-console: 2 issues in 2 waves (task mode).", run.Out);
        Assert.Contains("wave 2: #13 API", run.Out);
        Assert.Contains($"`baton sprint show {id}` follows it.", run.Out);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"{id} · running · alpha · example-org/alpha-console · task mode · wave 1 of 2", show.Out);
        Assert.Contains("Report: 2 issues · 0 merged · 0 failed · 0 retried · 0 running · 2 pending", show.Out);
        Assert.Contains(id, list.Out);
        Assert.Contains("1 sprint", list.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(2, document.RootElement.GetProperty("report").GetProperty("pending").GetInt32());
    }

    [GeneratedRegex(@"wf_[0-9A-Z]{26}")]
    private static partial Regex WorkflowId();

    [GeneratedRegex(@"spr_[0-9A-Z]{26}")]
    private static partial Regex SprintId();
}

public sealed class LocalWorkflowProcessTests : WorkflowProcessTests;

/// <summary>The workflow verbs in server mode, through a real <c>baton serve</c> (the fake gh on its PATH) with the admin key.</summary>
public sealed class ServerWorkflowProcessTests : WorkflowProcessTests
{
    private ServeProcess _server = null!;

    public override async Task InitializeAsync()
    {
        _server = await ServeProcess.StartAsync(Workspace.StartInfo(new Dictionary<string, string> { ["PATH"] = Gh.Bin.SearchPath },
            ["serve", "--listen", "127.0.0.1:0", "--rate-limit", "0", "--health-probe-seconds", "0", "--workflow-pass-seconds", "0"]));
        Workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        Workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
    }

    public override async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
