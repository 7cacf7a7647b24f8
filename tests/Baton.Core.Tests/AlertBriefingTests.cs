using System.Text;
using Baton.Core.Alerts;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Tests;

/// <summary>Cadence rules on a fake clock, the webhook signature and payload reading, and the briefing's alert, cadence and health sections.</summary>
public class AlertBriefingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Venture Alpha = new("alpha", "Project Alpha", "example-org", ["alpha-console"], [], null, null, false, []);
    private static readonly Venture Platform = Alpha with { Code = "plat", Name = "Platform", Platform = true };

    private static CadenceItem Duty(string scope, int intervalDays, DateTimeOffset? lastDone, string id = "cad_1") =>
        new(id, scope, "Rotate keys", null, intervalDays, Now.AddDays(-100), lastDone, null);

    [Fact]
    public void Judge_OnAFakeClock_MovesFromNotDueToDueSoonToOverdue()
    {
        var clock = new ManualClock(Now);
        var duty = Duty("alpha", 30, Now);

        var fresh = CadenceRules.Judge(duty, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(24));
        var soon = CadenceRules.Judge(duty, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromMinutes(1));
        var overdue = CadenceRules.Judge(duty, clock.GetUtcNow());

        Assert.Equal(CadenceStatus.NotDue, fresh.Status);
        Assert.Equal(Now.AddDays(30), fresh.DueAt);
        Assert.Equal(CadenceStatus.DueSoon, soon.Status);
        Assert.Equal(CadenceStatus.Overdue, overdue.Status);
    }

    [Fact]
    public void Judge_NeverDone_IsOverdueFromCreation()
    {
        var state = CadenceRules.Judge(Duty("alpha", 30, null), Now);

        Assert.Equal(CadenceStatus.Overdue, state.Status);
        Assert.Equal(Now.AddDays(-100), state.DueAt);
    }

    [Fact]
    public void ForBriefing_GlobalDuties_ShowOnlyForThePlatformVenture()
    {
        IReadOnlyList<CadenceItem> items = [Duty(Venture.Global, 7, null, "cad_g"), Duty("alpha", 7, null, "cad_a"), Duty("plat", 7, null, "cad_p")];

        var alpha = CadenceRules.ForBriefing(items, Alpha, Now);
        var platform = CadenceRules.ForBriefing(items, Platform, Now);

        Assert.Equal(["cad_a"], alpha.Select(s => s.Item.Id));
        Assert.Equal(["cad_g", "cad_p"], platform.Select(s => s.Item.Id).Order());
    }

    [Fact]
    public void IsSignatureValid_AcceptsOnlyTheHmacOfTheExactBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"zen":"x"}""");
        var good = GitHubWebhook.Sign("s3cret-s3cret-s3cret", body);

        Assert.StartsWith("sha256=", good);
        Assert.True(GitHubWebhook.IsSignatureValid("s3cret-s3cret-s3cret", body, good));
        Assert.False(GitHubWebhook.IsSignatureValid("other-secret-other", body, good));
        Assert.False(GitHubWebhook.IsSignatureValid("s3cret-s3cret-s3cret", Encoding.UTF8.GetBytes("""{"zen":"y"}"""), good));
        Assert.False(GitHubWebhook.IsSignatureValid("s3cret-s3cret-s3cret", body, null));
        Assert.False(GitHubWebhook.IsSignatureValid("s3cret-s3cret-s3cret", body, good.ToUpperInvariant()[..^2] + "zz"));
    }

    [Theory]
    [InlineData("failure", AlertSignalKindOrNone.Failure)]
    [InlineData("timed_out", AlertSignalKindOrNone.Failure)]
    [InlineData("startup_failure", AlertSignalKindOrNone.Failure)]
    [InlineData("success", AlertSignalKindOrNone.Success)]
    [InlineData("cancelled", AlertSignalKindOrNone.None)]
    [InlineData("skipped", AlertSignalKindOrNone.None)]
    public void Classify_MapsConclusions(string conclusion, AlertSignalKindOrNone expected) =>
        Assert.Equal(expected, GitHubWebhook.Classify(conclusion));

    [Fact]
    public void Parse_WorkflowRunInProgress_HasNoCompletion()
    {
        var parsed = GitHubWebhook.Parse("workflow_run", Encoding.UTF8.GetBytes(
            """{"action":"requested","workflow_run":{"name":"CI","head_branch":"main","conclusion":null},"repository":{"full_name":"o/r","default_branch":"trunk"}}"""),
            new Validator());

        Assert.Null(parsed.Completion);
        Assert.Equal("o/r", parsed.Repo);
        Assert.Equal("trunk", parsed.DefaultBranch);
    }

    private static Alert OpenAlert(int i) => new($"alert_{i:D4}", "alpha", "example-org/alpha-console", $"wf-{i}", "main", "workflow_run",
        AlertSeverity.High, AlertStatus.Open, true, Now.AddDays(-2), Now.AddHours(-1), 3, null, null, null, null);

    private static BriefingInput Input(BriefingOperations ops, int budget) =>
        new(Alpha, new Session("sess_me", "claude-a", "claude", "host", "alpha", "example-org/alpha-console", "main", null, "main", null,
                SessionStatus.Active, null, Now, Now, null, "k", "corr", null),
            false, "local", null, new ListResult<Handoff>([], 0), new ListResult<Session>([], 0), budget, Now, Operations: ops);

    private static BriefingHealth Healthy => new(5, Now.AddHours(-1), 0, 0, new SchemaCheck("aa" + new string('0', 62), "aa" + new string('0', 62)));

    [Fact]
    public void Build_With270OpenAlertsAndRoomForFew_SaysShowingNOf270_NeverTheBareNumber()
    {
        var ops = new BriefingOperations(new ListResult<Alert>([.. Enumerable.Range(0, 20).Select(OpenAlert)], 270), 0, [], Healthy);

        var text = BriefingBuilder.Build(Input(ops, 2_000));

        Assert.True(text.Length <= 2_000);
        Assert.Matches(@"## Open CI alerts \(default branch\) \(showing \d+ of 270\)", text);
        Assert.Contains("more not shown: `baton alerts --venture alpha`", text);
        Assert.DoesNotMatch(@"Open CI alerts \(default branch\) \((10|20)\)", text);
    }

    [Fact]
    public void Build_OrdersSections_AlertsThenCadenceThenHealth_AfterSessions()
    {
        var ops = new BriefingOperations(new ListResult<Alert>([OpenAlert(1)], 1), 2, [CadenceRules.Judge(Duty("alpha", 7, null), Now)], Healthy);

        var text = BriefingBuilder.Build(Input(ops, 12_000));

        var sessions = text.IndexOf("## Other active sessions", StringComparison.Ordinal);
        var alerts = text.IndexOf("## Open CI alerts", StringComparison.Ordinal);
        var cadence = text.IndexOf("## Recurring duties due", StringComparison.Ordinal);
        var health = text.IndexOf("## Briefing health", StringComparison.Ordinal);
        Assert.True(sessions < alerts && alerts < cadence && cadence < health, text);
        Assert.Contains("Also open on other branches: 2", text);
        Assert.Contains("OVERDUE (never done)", text);
        Assert.Contains("schema: the live database matches this build", text);
    }

    [Fact]
    public void Build_Health_WarnsWhenDeliveriesStoppedAlertsGoStaleAndSchemaDrifts()
    {
        var health = new BriefingHealth(40, Now.AddDays(-9), 3, 2, new SchemaCheck("bb" + new string('1', 62), "aa" + new string('0', 62)));
        var ops = new BriefingOperations(new ListResult<Alert>([], 0), 0, [], health);

        var text = BriefingBuilder.Build(Input(ops, 12_000));

        Assert.Contains("deliveries STOPPED — the last verified one came 9 d ago", text);
        Assert.Contains("3 open alerts with no occurrence for 14 days — possibly stale", text);
        Assert.Contains("2 deliveries came for repos no venture owns", text);
        Assert.Contains("does NOT match this build", text);
    }

    [Fact]
    public void Build_Health_WithNoDeliveryEverSeen_SaysWebhooksAreNotConfigured()
    {
        var ops = new BriefingOperations(new ListResult<Alert>([], 0), 0, [], new BriefingHealth(0, null, 0, 0, null));

        var text = BriefingBuilder.Build(Input(ops, 12_000));

        Assert.Contains("no verified GitHub delivery seen for this venture yet", text);
        Assert.DoesNotContain("STOPPED", text);
    }
}
