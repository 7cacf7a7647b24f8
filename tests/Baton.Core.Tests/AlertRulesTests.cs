using System.Text;
using Baton.Core.Alerts;
using Baton.Core.Common;

namespace Baton.Core.Tests;

/// <summary>
/// The alert rules both stores apply (<see cref="AlertRules.Decide"/>: out-of-order runs), the default-branch judgement
/// for forks, and what <see cref="GitHubWebhook.Parse"/> reads and refuses.
/// </summary>
public class AlertRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private const string Repo = "example-org/alpha-console";

    private static RunOrder Run(int minutesAgo, long number) => new(Now.AddMinutes(-minutesAgo), number);

    private static AlertSignal Signal(AlertSignalKind kind, RunOrder? run, string? url = null, AlertSeverity severity = AlertSeverity.High) =>
        new(kind, "alpha", Repo, "CI", "main", "workflow_run", severity, true, url, Now, "github:workflow_run:d", "alert_new", run);

    private static Alert Open(RunOrder? lastRun, string? url = "https://example.test/runs/562") =>
        new("alert_1", "alpha", Repo, "CI", "main", "workflow_run", AlertSeverity.High, AlertStatus.Open, true,
            Now.AddHours(-2), Now.AddHours(-1), 2, url, null, null, null, lastRun);

    private static GitHubEvent Parse(string eventName, string json, Validator? v = null) =>
        GitHubWebhook.Parse(eventName, Encoding.UTF8.GetBytes(json), v ?? new Validator());

    private static string WorkflowRun(string branch = "main", string headRepo = Repo, string name = "CI", string @event = "push") => $$"""
        {"action":"completed",
         "workflow_run":{"id":30433642,"name":"{{name}}","head_branch":"{{branch}}","event":"{{@event}}","conclusion":"failure",
                         "run_number":562,"created_at":"2026-11-22T09:58:07Z","html_url":"https://github.com/{{Repo}}/actions/runs/30433642",
                         "head_repository":{"full_name":"{{headRepo}}"},"repository":{"full_name":"{{Repo}}"} },
         "repository":{"full_name":"{{Repo}}","default_branch":"main"} }
        """;

    [Fact]
    public void IsDefaultBranch_ARunFromAForksMain_IsNotOurDefaultBranch()
    {
        Assert.True(AlertRules.IsDefaultBranch(Repo, Repo, "main", "main"));
        Assert.True(AlertRules.IsDefaultBranch(Repo, "Example-Org/Alpha-Console", "main", "main"));
        Assert.True(AlertRules.IsDefaultBranch(Repo, null, "main", null));
        Assert.False(AlertRules.IsDefaultBranch(Repo, "forker/alpha-console", "main", "main"));
    }

    [Fact]
    public void AlertBranch_ForAForksRun_IsOwnerColonBranch_AndOursStaysAsItIs()
    {
        Assert.Equal("forker:main", AlertRules.AlertBranch(Repo, "forker/alpha-console", "main"));
        Assert.Equal("main", AlertRules.AlertBranch(Repo, "EXAMPLE-ORG/alpha-console", "main"));
        Assert.Equal("main", AlertRules.AlertBranch(Repo, null, "main"));
    }

    [Fact]
    public void Parse_WorkflowRunFromAForksPullRequestNamedMain_IsTheForksBranch_NotOurs()
    {
        var run = Parse("workflow_run", WorkflowRun(headRepo: "forker/alpha-console", @event: "pull_request")).Completion!;

        Assert.Equal("forker:main", run.Branch);
        Assert.Equal("forker/alpha-console", run.HeadRepo);
        Assert.False(AlertRules.IsDefaultBranch(run.Repo, run.HeadRepo, run.Branch, run.DefaultBranch));
    }

    [Fact]
    public void Parse_WorkflowRunOnOurMain_IsOurDefaultBranch_WithItsRunNumberAndCreationTime()
    {
        var run = Parse("workflow_run", WorkflowRun()).Completion!;

        Assert.Equal("main", run.Branch);
        Assert.True(AlertRules.IsDefaultBranch(run.Repo, run.HeadRepo, run.Branch, run.DefaultBranch));
        Assert.Equal(new RunOrder(DateTimeOffset.Parse("2026-11-22T09:58:07Z", System.Globalization.CultureInfo.InvariantCulture), 562), run.Run);
    }

    [Fact]
    public void Parse_CheckSuite_IsOrderedBySuiteIdAndCreationTime()
    {
        var suite = Parse("check_suite", """
            {"action":"completed","check_suite":{"id":118578147,"head_branch":"main","conclusion":"failure","created_at":"2026-11-22T09:00:00Z",
             "app":{"slug":"circleci-checks","name":"CircleCI Checks"}},"repository":{"full_name":"o/r","default_branch":"main"}}
            """).Completion!;

        Assert.Equal(new RunOrder(DateTimeOffset.Parse("2026-11-22T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 118578147), suite.Run);
        Assert.Null(suite.HeadRepo);
    }

    [Fact]
    public void Parse_CheckSuiteWhoseHeadIsInAFork_HasNoCompletion()
    {
        // GitHub documents head_branch as null when the suite's head branch is in a forked repository.
        var parsed = Parse("check_suite", """
            {"action":"completed","check_suite":{"id":1,"head_branch":null,"conclusion":"failure","app":{"slug":"circleci-checks","name":"CircleCI"}},
             "repository":{"full_name":"o/r","default_branch":"main"}}
            """);

        Assert.Equal("o/r", parsed.Repo);
        Assert.Null(parsed.Completion);
    }

    [Fact]
    public void Parse_OverLongValues_AreReportedByTheirPayloadPath()
    {
        var v = new Validator();

        Parse("workflow_run", WorkflowRun(name: new string('w', AlertLimits.Workflow + 1), branch: new string('b', AlertLimits.Branch + 1)), v);

        var e = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
        Assert.Contains("workflow_run.name", e.Errors!.Keys);
        Assert.Contains("workflow_run.head_branch", e.Errors.Keys);
    }

    [Fact]
    public void Parse_AForksBranchThatFitsOnlyWithoutItsOwner_IsRefused()
    {
        var v = new Validator();

        Parse("workflow_run", WorkflowRun(headRepo: "forker/alpha-console", branch: new string('b', AlertLimits.Branch)), v);

        var e = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Contains("'forker:'", e.Errors!["workflow_run.head_branch"][0]);
    }

    [Fact]
    public void Parse_ValuesAtTheLimit_AreAccepted()
    {
        var v = new Validator();

        var run = Parse("workflow_run", WorkflowRun(name: new string('w', AlertLimits.Workflow), branch: new string('b', AlertLimits.Branch)), v).Completion;

        Assert.False(v.HasErrors);
        Assert.Equal(AlertLimits.Workflow, run!.Workflow.Length);
    }

    [Theory]
    [InlineData(10, 561, 5, 562, -1)]   // older by creation and number
    [InlineData(5, 562, 10, 561, 1)]
    [InlineData(5, 562, 5, 562, 0)]     // the same run (a re-run keeps both)
    [InlineData(5, 561, 5, 562, -1)]    // created in the same second: the number decides
    public void CompareRuns_OrdersByCreationThenNumber(int aAgo, long aNumber, int bAgo, long bNumber, int expected) =>
        Assert.Equal(expected, AlertRules.CompareRuns(Run(aAgo, aNumber), Run(bAgo, bNumber)));

    [Fact]
    public void CompareRuns_WithNothingToCompareBy_IsUnknown()
    {
        Assert.Null(AlertRules.CompareRuns(null, Run(1, 1)));
        Assert.Null(AlertRules.CompareRuns(new RunOrder(Now, null), new RunOrder(null, 5)));
        Assert.Equal(-1, AlertRules.CompareRuns(new RunOrder(null, 4), new RunOrder(null, 5)));
    }

    [Fact]
    public void Decide_SuccessFromAnOlderRunThanTheAlertsLastRun_KeepsItOpen()
    {
        var decision = AlertRules.Decide(Open(Run(5, 562)), Signal(AlertSignalKind.Success, Run(10, 561)));

        Assert.IsType<AlertDecision.KeepOpen>(decision);
    }

    [Theory]
    [InlineData(5, 562)]   // the failed run itself, re-run green
    [InlineData(1, 563)]   // a newer run
    public void Decide_SuccessAtLeastAsNewAsTheAlertsLastRun_Resolves(int minutesAgo, long number) =>
        Assert.IsType<AlertDecision.Resolve>(AlertRules.Decide(Open(Run(5, 562)), Signal(AlertSignalKind.Success, Run(minutesAgo, number))));

    [Fact]
    public void Decide_SuccessWhenEitherRunIsUnknown_Resolves()
    {
        Assert.IsType<AlertDecision.Resolve>(AlertRules.Decide(Open(null), Signal(AlertSignalKind.Success, Run(10, 1))));
        Assert.IsType<AlertDecision.Resolve>(AlertRules.Decide(Open(Run(5, 562)), Signal(AlertSignalKind.Success, null)));
    }

    [Fact]
    public void Decide_SuccessWithNothingOpen_ChangesNothing() =>
        Assert.IsType<AlertDecision.Nothing>(AlertRules.Decide(null, Signal(AlertSignalKind.Success, Run(1, 1))));

    [Fact]
    public void Decide_FailureWithNothingOpen_OpensAnAlertCarryingTheRun()
    {
        var decision = Assert.IsType<AlertDecision.Open>(AlertRules.Decide(null, Signal(AlertSignalKind.Failure, Run(1, 7), "https://u")));

        Assert.Equal(new Alert("alert_new", "alpha", Repo, "CI", "main", "workflow_run", AlertSeverity.High, AlertStatus.Open, true,
            Now, Now, 1, "https://u", null, null, null, Run(1, 7)), decision.Alert);
    }

    [Fact]
    public void Decide_FailureFromANewerRun_MovesTheRunAndUrl_KeepingTheWorseSeverity()
    {
        var open = Open(Run(5, 562)) with { Severity = AlertSeverity.Critical };

        var decision = AlertRules.Decide(open, Signal(AlertSignalKind.Failure, Run(1, 563), "https://new", AlertSeverity.Low));

        Assert.Equal(new AlertDecision.AddOccurrence(AlertSeverity.Critical, Now, "https://new", Run(1, 563)), decision);
    }

    [Fact]
    public void Decide_FailureFromAnOlderRun_CountsButLeavesTheNewerRunAndItsUrl()
    {
        var decision = AlertRules.Decide(Open(Run(5, 562)), Signal(AlertSignalKind.Failure, Run(10, 561), "https://old"));

        Assert.Equal(new AlertDecision.AddOccurrence(AlertSeverity.High, Now, "https://example.test/runs/562", Run(5, 562)), decision);
    }
}
