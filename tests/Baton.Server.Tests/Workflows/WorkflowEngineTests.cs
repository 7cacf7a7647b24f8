using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Storage;
using Baton.Core.Ventures;
using Baton.Core.Workflows;
using Baton.Hosting;
using Baton.Local.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Tests.Workflows;

/// <summary>
/// The workflow engine's passes run by hand (docs/architecture.md §17) over the real SQLite store, GitHub through the
/// real adapter on the stateful fake gh, and a manual clock: what a crash between two steps leaves, and the outbox's
/// order and back-off. The end-to-end paths are the process tests' (tests/Baton.Cli.Tests/Workflows).
/// </summary>
public sealed class WorkflowEngineTests : IAsyncLifetime
{
    private const string Repo = "example-org/alpha-console";

    private readonly TempDirectory _temp = new();
    private readonly CancellationToken _ct = TestTimeouts.Token();
    private readonly ManualClock _clock = new(Some.T0);
    private FakeGitHub _gh = null!;
    private BatonRuntime _runtime = null!;
    private BatonServices _services = null!;
    private IBatonStore _store = null!;
    private WorkflowEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _gh = new FakeGitHub(Path.Combine(_temp.Path, "bin"));
        _gh.AddIssue(Repo, 42, "Add dark mode", "Users want a dark theme.");
        var composition = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<IGitHub>(new GitHubCli(_gh.Path, _temp.Path))
            .AddBaton(new BatonOptions { WorkflowPassInterval = TimeSpan.Zero }, new StoreOptions { DataDir = Path.Combine(_temp.Path, "data") });
        _runtime = await BatonRuntime.StartAsync(composition, _ct);
        _store = _runtime.Services.GetRequiredService<IBatonStore>();
        await _store.UpsertVenturesAsync([new Venture("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, [])], _ct);
        _services = _runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
        _engine = _runtime.Services.GetRequiredService<BatonServiceFactory>().WorkflowEngine(new HttpSmokeChecker());
    }

    public async Task DisposeAsync()
    {
        await _runtime.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Pass_CreatedWorkflow_StartsItMintsThePlanTaskAndMakesItUnderThatId()
    {
        var id = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: Repo + "#42"), _ct)).Workflow.Id;

        await _engine.RunPassAsync(_ct);

        var workflow = (await _store.FindWorkflowOrNullAsync(id, _ct))!;
        Assert.Equal((WorkflowState.Planning, 1), (workflow.State, workflow.Step));
        var task = await _services.Tasks.GetTaskAsync(workflow.StepTaskId!, _ct);
        Assert.Equal(("plan", "Plan: Add dark mode", $"workflow:{id}"), (task.Capability, task.Title, task.CreatedBy));
        Assert.Contains("Users want a dark theme.", task.Prompt);
    }

    [Fact]
    public async Task Pass_StepMintedButItsTaskNeverMade_MakesItOnceUnderTheSavedId()
    {
        var id = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: Repo + "#42"), _ct)).Workflow.Id;
        await _engine.RunPassAsync(_ct);
        // What a kill between "saved the step's id" and "made its task" leaves: a workflow naming a task that is not there.
        var planning = (await _store.FindWorkflowOrNullAsync(id, _ct))!;
        await _services.Tasks.CancelTaskAsync(planning.StepTaskId!, new CancelTaskRequest("test"), _ct);
        var crashed = WorkflowRules.BeginStep(planning, "task_01JZZZZZZZZZZZZZZZZZZZZZZ9", "plan", (await _store.ListWorkflowEventsAsync(id, _ct))[^1].Seq, _clock.GetUtcNow());
        Assert.True(await _store.UpdateWorkflowAsync(crashed.Workflow, planning.Version, crashed.Events, crashed.Effects, _ct));

        await _engine.RunPassAsync(_ct);
        await _engine.RunPassAsync(_ct);

        var made = await _services.Tasks.GetTaskAsync("task_01JZZZZZZZZZZZZZZZZZZZZZZ9", _ct);
        Assert.Equal("plan", made.Capability);
        var tasks = await _services.Tasks.ListTasksAsync(new TaskListRequest("alpha", Limit: 50), _ct);
        Assert.Equal(2, tasks.Total); // the cancelled first one, and the one made under the saved id — once
        Assert.Equal(WorkflowState.Planning, (await _store.FindWorkflowOrNullAsync(id, _ct))!.State);
    }

    [Fact]
    public async Task Pass_GitHubEffectFails_TheLaterOnesWaitBehindItAndAllRunInOrderAfterTheBackOff()
    {
        var id = (await _services.Workflows.StartWorkflowAsync(new StartWorkflowRequest(Issue: Repo + "#42"), _ct)).Workflow.Id;
        _gh.FailNext("issue edit", 1);

        var first = await _engine.RunPassAsync(_ct);
        var afterFailure = await _store.ListWorkflowEffectsAsync(id, _ct);
        var held = await _engine.RunPassAsync(_ct); // within the back-off: nothing is tried
        _clock.Advance(TimeSpan.FromSeconds(11));
        var retried = await _engine.RunPassAsync(_ct);
        var effects = await _store.ListWorkflowEffectsAsync(id, _ct);

        Assert.Equal((0, 1), (first.EffectsDone, first.EffectsFailed));
        Assert.Contains(first.Problems, p => p.Contains("StatusLabel", StringComparison.Ordinal) && p.Contains(FakeGitHub.DefaultFailure, StringComparison.Ordinal));
        Assert.Collection(afterFailure,
            label => Assert.Equal((WorkflowEffectKind.StatusLabel, 1, false), (label.Kind, label.Attempts, label.DoneAt is not null)),
            comment => Assert.Equal((WorkflowEffectKind.Comment, 0, false), (comment.Kind, comment.Attempts, comment.DoneAt is not null)));
        Assert.Equal((0, 0), (held.EffectsDone, held.EffectsFailed));
        Assert.Equal(2, retried.EffectsDone);
        Assert.All(effects, e => Assert.NotNull(e.DoneAt));
        Assert.Equal(["status:planning"], _gh.Labels(Repo, 42));
        Assert.Contains("CREATE → PLANNING", Assert.Single(_gh.Comments(Repo, 42)));
        // The label was set before the comment was posted: the order they were written in.
        var calls = _gh.Calls.Select(c => string.Join(' ', c.Take(2))).Where(c => c is "issue edit" or "issue comment").ToList();
        Assert.Equal("issue comment", Assert.Single(calls, c => c == "issue comment"));
        Assert.Equal("issue comment", calls[^1]);
    }
}
