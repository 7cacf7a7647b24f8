using Baton.Core.Workers;
using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workers;

/// <summary>What a task's payload asks of the worker (branch, run, expects), the report globs, and gh's "already exists" answer.</summary>
public sealed class WorkerRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);

    private static Baton.Core.Orchestration.Tasks.BatonTask Task(string payload) => SomeTasks.Task(Now) with { Payload = payload };

    private static string Problem(string payload)
    {
        var (asks, problem) = WorkerRules.ReadAsks(Task(payload));
        Assert.Null(asks);
        return Assert.IsType<string>(problem);
    }

    [Fact]
    public void ReadAsks_NoAsks_NoneAndTheTasksOwnBranch()
    {
        var task = Task("""{"open_pr":true}""");
        var (asks, problem) = WorkerRules.ReadAsks(task);

        Assert.Null(problem);
        Assert.Equal(TaskAsks.None, asks);
        Assert.Equal("baton/" + task.Id, WorkerRules.BranchOf(task, asks!));
    }

    [Fact]
    public void ReadAsks_BranchRunAndDefaults_ReadAsGiven()
    {
        var task = Task("""{"branch":"baton/wf-01jd","run":{"command":"make test"}}""");
        var (asks, problem) = WorkerRules.ReadAsks(task);

        Assert.Null(problem);
        Assert.Equal("baton/wf-01jd", asks!.Branch);
        Assert.Equal("baton/wf-01jd", WorkerRules.BranchOf(task, asks));
        Assert.Equal("make test", asks.Run!.Command);
        Assert.Equal(WorkflowSettings.DefaultTestReports, asks.Run.Reports);
        Assert.False(asks.Run.FailOnExit);
        Assert.Null(asks.Expects);
    }

    [Fact]
    public void ReadAsks_RunWithReportsAndFailOnExit_ReadAsGiven()
    {
        var (asks, _) = WorkerRules.ReadAsks(Task("""{"run":{"command":"./deploy.sh","reports":["out/**/*.xml"],"fail_on_exit":true}}"""));

        Assert.Equal(new[] { "out/**/*.xml" }, asks!.Run!.Reports);
        Assert.True(asks.Run.FailOnExit);
    }

    [Theory]
    [InlineData("plan_verdict")]
    [InlineData("plan")]
    public void ReadAsks_KnownExpects_Read(string expects) =>
        Assert.Equal(expects, WorkerRules.ReadAsks(Task($$"""{"expects":"{{expects}}"}""")).Asks!.Expects);

    [Theory]
    [InlineData("""{"run":"make test"}""", "payload.run must be an object")]
    [InlineData("""{"run":{}}""", "payload.run.command must be a non-empty string")]
    [InlineData("""{"run":{"command":"  "}}""", "payload.run.command must be a non-empty string")]
    [InlineData("""{"run":{"command":"t","reports":"**/*.xml"}}""", "payload.run.reports must be a list")]
    [InlineData("""{"run":{"command":"t","reports":[3]}}""", "payload.run.reports must hold only non-empty strings")]
    [InlineData("""{"run":{"command":"t","reports":["/etc/*.xml"]}}""", "must be relative to the worktree")]
    [InlineData("""{"run":{"command":"t","reports":["../other/*.xml"]}}""", "must stay inside the worktree")]
    [InlineData("""{"run":{"command":"t","fail_on_exit":"yes"}}""", "payload.run.fail_on_exit must be true or false")]
    [InlineData("""{"branch":42}""", "payload.branch must be a string")]
    [InlineData("""{"branch":"has space"}""", "payload.branch \"has space\" holds")]
    [InlineData("""{"branch":"-x"}""", "starts with '-'")]
    [InlineData("""{"branch":"a..b"}""", "holds '..'")]
    [InlineData("""{"branch":"topic.lock"}""", "ends with '.' or '.lock'")]
    [InlineData("""{"branch":"a//b"}""", "has an empty path component")]
    [InlineData("""{"branch":"a/.hidden"}""", "has a component starting with '.'")]
    [InlineData("""{"branch":"a:b"}""", "holds ':'")]
    [InlineData("""{"expects":"approval"}""", "payload.expects must be \"plan_verdict\" or \"plan\"")]
    [InlineData("""{"expects":"plan","run":{"command":"t"}}""", "payload.run runs a command instead of an agent")]
    public void ReadAsks_BadShape_AProblemNamingTheField(string payload, string expected) =>
        Assert.Contains(expected, Problem(payload), StringComparison.Ordinal);

    [Theory]
    [InlineData("**/*.trx", "TestResults/run.trx", true)]
    [InlineData("**/*.trx", "run.trx", true)]
    [InlineData("**/*.trx", "a/b/c/run.trx", true)]
    [InlineData("**/TEST-*.xml", "build/test-results/TEST-Calc.xml", true)]
    [InlineData("**/TEST-*.xml", "build/test-results/Calc.xml", false)]
    [InlineData("**/junit*.xml", "junit-results.xml", true)]
    [InlineData("**/test-results/*.json", "web/test-results/results.json", true)]
    [InlineData("**/test-results/*.json", "web/test-results/deep/results.json", false)]
    [InlineData("reports/*.xml", "reports/a.xml", true)]
    [InlineData("reports/*.xml", "other/reports/a.xml", false)]
    [InlineData("./reports/?.xml", "reports/a.xml", true)]
    [InlineData("./reports/?.xml", "reports/ab.xml", false)]
    [InlineData("out/**/x.xml", "out/x.xml", true)]
    [InlineData("out/**/x.xml", "out/1/2/x.xml", true)]
    [InlineData("**/*.XML", "a.xml", false)]
    public void GlobMatches_Cases(string glob, string path, bool expected) =>
        Assert.Equal(expected, WorkerRules.GlobMatches(glob, path));

    [Fact]
    public void ExistingPullRequestUrlOrNull_GhsAlreadyExistsAnswer_ThatUrl() =>
        Assert.Equal("https://github.com/example-org/alpha-console/pull/41", WorkerRules.ExistingPullRequestUrlOrNull(
            "a pull request for branch \"baton/wf-01jd\" into branch \"main\" already exists:\nhttps://github.com/example-org/alpha-console/pull/41\n"));

    [Theory]
    [InlineData("pull request create failed: GraphQL: No commits between main and baton/x (createPullRequest)")]
    [InlineData("a pull request for branch \"b\" into branch \"main\" already exists:")]
    [InlineData("")]
    public void ExistingPullRequestUrlOrNull_AnyOtherFailure_Null(string stderr) =>
        Assert.Null(WorkerRules.ExistingPullRequestUrlOrNull(stderr));

    [Theory]
    [InlineData(null)]
    [InlineData("  \n")]
    public void CheckAnswer_PlanWithAnEmptyMessage_AProblem(string? message)
    {
        var (verdict, problem) = WorkerRules.CheckAnswer(WorkerRules.ExpectsPlan, message);
        Assert.Null(verdict);
        Assert.Contains("empty final message", problem);
    }

    [Fact]
    public void CheckAnswer_PlanWithText_Fine() =>
        Assert.Equal((null, null), WorkerRules.CheckAnswer(WorkerRules.ExpectsPlan, "# Plan\n1. do it"));

    [Fact]
    public void CheckAnswer_VerdictInAFencedBlock_TheVerdict()
    {
        var (verdict, problem) = WorkerRules.CheckAnswer(WorkerRules.ExpectsPlanVerdict,
            "My review:\n```json\n{\"approved\": true, \"concerns\": [], \"suggestions\": [\"log more\"]}\n```");

        Assert.Null(problem);
        Assert.True(verdict!.Approved);
        Assert.Equal(["log more"], verdict.Suggestions);
    }

    [Theory]
    [InlineData("Looks fine to me, ship it.")]
    [InlineData("{\"approved\": \"yes\"}")]
    [InlineData("")]
    public void CheckAnswer_NoVerdict_AProblemNeverAnApproval(string message)
    {
        var (verdict, problem) = WorkerRules.CheckAnswer(WorkerRules.ExpectsPlanVerdict, message);

        Assert.Null(verdict);
        Assert.StartsWith("the review's answer holds no verdict", problem);
    }

    [Fact]
    public void CheckAnswer_NothingExpected_FineWhateverTheMessage() =>
        Assert.Equal((null, null), WorkerRules.CheckAnswer(null, ""));

    [Fact]
    public void CommandFailedMessage_ExitCodeAndTheLastLines()
    {
        var output = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}")) + "\n\n";

        var message = WorkerRules.CommandFailedMessage("./deploy.sh --prod\nsecond line", 3, output, lines: 2);

        Assert.Equal("`./deploy.sh --prod` exited 3:\nline 29\nline 30", message);
        Assert.Equal("`true` exited 1 (no output)", WorkerRules.CommandFailedMessage("true", 1, ""));
    }

    [Fact]
    public void Prompt_ContinuingABranch_SaysSoInsteadOfAFreshBranch()
    {
        var task = Task("{}");
        Assert.Contains("continues origin's branch", WorkerRules.Prompt(task, "baton/wf-x", "", continuesBranch: true));
        Assert.Contains("freshly fetched default branch", WorkerRules.Prompt(task, "baton/x", ""));
    }
}
