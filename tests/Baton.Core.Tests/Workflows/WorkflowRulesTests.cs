using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public class WorkflowRulesTests
{
    private static readonly DateTimeOffset T0 = Some.T0;

    private static Workflow At(WorkflowState state, int bounces = 0, int maxBounces = 2, string? issue = "example-org/alpha-console#42", string? pr = null) =>
        new("wf_01JZ0000000000000000000000", "alpha", "example-org/alpha-console", issue, "Add dark mode", "The body", state, bounces, maxBounces, [],
            "baton/wf-01jz0000000000000000000000", "## Plan", pr, 3, "task_01JZ0000000000000000000001", null, null, null, "key_1", T0, T0, null, 7);

    private static WorkflowChange Fire(Workflow w, WorkflowTrigger trigger, string reason = "because", string? detail = null, WorkflowSettings? settings = null)
    {
        var n = 0;
        return WorkflowRules.Fire(w, trigger, "workflow", reason, detail, settings ?? WorkflowSettings.Default, 5, T0.AddMinutes(1), () => $"wfx_{++n}");
    }

    [Fact]
    public void Fire_Forward_MovesClearsTheStepAndBumpsTheVersion()
    {
        var change = Fire(At(WorkflowState.Review), WorkflowTrigger.Approved);

        Assert.Equal(WorkflowState.InProgress, change.Workflow.State);
        Assert.Null(change.Workflow.StepTaskId);
        Assert.Equal(8, change.Workflow.Version);
        Assert.Null(change.Workflow.FinishedAt);
        var e = Assert.Single(change.Events);
        Assert.Equal((6, WorkflowState.Review, WorkflowState.InProgress, "approved", "task_01JZ0000000000000000000001"), (e.Seq, e.From!.Value, e.To, e.Trigger, e.TaskId));
    }

    [Fact]
    public void Fire_TriggerNotInTheTable_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Fire(At(WorkflowState.Planning), WorkflowTrigger.Approved));
    }

    [Fact]
    public void Fire_BackToPlanningUnderTheCap_CountsTheBounceAndKeepsTheReason()
    {
        var change = Fire(At(WorkflowState.Qa, bounces: 1), WorkflowTrigger.TestsFailed, "2 of 9 tests failed", "| table |");

        Assert.Equal(WorkflowState.Planning, change.Workflow.State);
        Assert.Equal(2, change.Workflow.Bounces);
        Assert.Equal("2 of 9 tests failed", change.Workflow.Reason);
    }

    [Fact]
    public void Fire_BackToPlanningAtTheCap_IsFailedForAHuman()
    {
        var change = Fire(At(WorkflowState.Review, bounces: 2, maxBounces: 2), WorkflowTrigger.PlanRejected, "the plan skips tests");

        Assert.Equal(WorkflowState.Failed, change.Workflow.State);
        Assert.Equal(2, change.Workflow.Bounces);
        Assert.Equal(T0.AddMinutes(1), change.Workflow.FinishedAt);
        Assert.Equal("fail", Assert.Single(change.Events).Trigger);
        Assert.Contains("max_bounces 2", change.Workflow.Reason);
        Assert.Contains("the plan skips tests", change.Workflow.Reason);
    }

    [Fact]
    public void Fire_Planned_LabelsAndPostsThePlanOnTheIssue()
    {
        var change = Fire(At(WorkflowState.Planning) with { Plan = "1. do it\n2. test it" }, WorkflowTrigger.Planned);

        Assert.Collection(change.Effects,
            label => Assert.Equal((WorkflowEffectKind.StatusLabel, "example-org/alpha-console", 42, "status:review"), (label.Kind, label.Repo, label.Number!.Value, label.Labels.Single())),
            comment =>
            {
                Assert.Equal(WorkflowEffectKind.Comment, comment.Kind);
                Assert.Contains("1. do it\n2. test it", comment.Body);
                Assert.Contains("PLANNING → REVIEW", comment.Body);
            });
    }

    [Fact]
    public void Fire_TestsFailed_OpensABugIssueWithTheFailingTests()
    {
        var change = Fire(At(WorkflowState.Qa, pr: "https://github.com/example-org/alpha-console/pull/7"), WorkflowTrigger.TestsFailed, "1 of 3 tests failed", "| Login | rejects bad password | expected 401 |");

        var bug = change.Effects.Single(e => e.Kind == WorkflowEffectKind.CreateIssue);
        Assert.StartsWith("Tests failed: #42", bug.Title);
        Assert.Contains("expected 401", bug.Body);
        Assert.Contains("pull/7", bug.Body);
        Assert.Equal(["bug"], bug.Labels);
        Assert.Equal("status:planning", change.Effects.Single(e => e.Kind == WorkflowEffectKind.StatusLabel).Labels.Single());
    }

    [Fact]
    public void Fire_Validated_MergesThenClosesWithTheReport()
    {
        var change = Fire(At(WorkflowState.Validate, pr: "https://github.com/example-org/alpha-console/pull/7"), WorkflowTrigger.Validated, "every critical endpoint answered", "| /healthz | 200 |");

        Assert.Equal(WorkflowState.Accepted, change.Workflow.State);
        Assert.Equal([WorkflowEffectKind.MergePullRequest, WorkflowEffectKind.StatusLabel, WorkflowEffectKind.CloseIssue], change.Effects.Select(e => e.Kind));
        Assert.Equal(["wfx_1", "wfx_2", "wfx_3"], change.Effects.Select(e => e.Id)); // minted in the order they must run
        Assert.Contains("| /healthz | 200 |", change.Effects[2].Body);
    }

    [Fact]
    public void Fire_ValidatedWithoutMergeOnAccept_OnlyCloses()
    {
        var change = Fire(At(WorkflowState.Validate, pr: "https://github.com/example-org/alpha-console/pull/7"), WorkflowTrigger.Validated,
            settings: WorkflowSettings.Default with { MergeOnAccept = false });

        Assert.DoesNotContain(change.Effects, e => e.Kind == WorkflowEffectKind.MergePullRequest);
    }

    [Fact]
    public void Fire_WithoutAnIssue_HasNoEffects()
    {
        Assert.Empty(Fire(At(WorkflowState.Review, issue: null), WorkflowTrigger.PlanRejected).Effects);
    }

    [Fact]
    public void BeginStep_NamesTheTaskBeforeItExists()
    {
        var change = WorkflowRules.BeginStep(At(WorkflowState.Planning) with { StepTaskId = null }, "task_01JZ0000000000000000000009", "plan", 5, T0);

        Assert.Equal((4, "task_01JZ0000000000000000000009", 8L), (change.Workflow.Step, change.Workflow.StepTaskId!, change.Workflow.Version));
        Assert.Equal("step", Assert.Single(change.Events).Trigger);
        Assert.Empty(change.Effects);
    }

    [Fact]
    public void WaitForHuman_StaysAndSaysHowToGoOn()
    {
        var n = 0;
        var change = WorkflowRules.WaitForHuman(At(WorkflowState.Qa), "12 tests passed", "| report |", 5, T0, () => $"wfx_{++n}");

        Assert.Equal(WorkflowState.Qa, change.Workflow.State);
        Assert.Contains("baton projects advance wf_01JZ0000000000000000000000", change.Workflow.WaitingForHuman);
        Assert.Equal(WorkflowEffectKind.Comment, Assert.Single(change.Effects).Kind);
    }

    [Theory]
    [InlineData("example-org/alpha-console#42", "example-org/alpha-console", 42)]
    [InlineData(" o/r#7 ", "o/r", 7)]
    public void ParseIssue_TheForm_Reads(string text, string repo, int number)
    {
        Assert.Equal((repo, number), WorkflowRules.ParseIssue(text));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("#42")]
    [InlineData("o/r#")]
    [InlineData("o/r#0")]
    [InlineData("o/r/x#3")]
    [InlineData("o/r#-3")]
    [InlineData("")]
    public void ParseIssue_NotTheForm_IsNull(string text)
    {
        Assert.Null(WorkflowRules.ParseIssue(text));
    }
}
