using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Storage;
using Baton.Core.Ventures;


namespace Baton.Storage.Contract;

/// <summary>
/// The operations side of the storage contract (<see cref="IAlertStore"/>): alerts that open, count and resolve
/// themselves, webhook deliveries (replays, unowned repos, default branches), the webhook secret, cadence items and the
/// schema self-check. A store's test project subclasses this once with a fresh, initialised store per test. Fresh
/// venture codes keep each test's data apart; no venture needs registering.
/// </summary>
public abstract class AlertStoreContractTests : StoreContractBase
{
    protected static AlertSignal Failure(string venture, DateTimeOffset at, string branch = "main", string workflow = "CI",
        AlertSeverity severity = AlertSeverity.High, bool onDefault = true, string repo = "example-org/alpha") =>
        new(AlertSignalKind.Failure, venture, repo, workflow, branch, "workflow_run", severity, onDefault,
            $"https://github.com/{repo}/actions/runs/{Some.Number()}", at, $"github:workflow_run:{Guid.NewGuid():N}", Some.Id(IdGenerator.Alert));

    protected static AlertSignal Success(string venture, DateTimeOffset at, string branch = "main", string workflow = "CI", string repo = "example-org/alpha") =>
        Failure(venture, at, branch, workflow, repo: repo) with { Kind = AlertSignalKind.Success, EventRef = "github:workflow_run:green-" + Some.Number() };

    private Task<Page<Alert>> ListAsync(string venture, AlertStatus? status = AlertStatus.Open, bool defaultOnly = false, string? branch = null,
        int limit = 20, string? cursor = null, AlertOrder order = AlertOrder.Newest, DateTimeOffset? lastSeenBefore = null) =>
        Store.ListAlertsAsync(new AlertQuery(venture, status, branch, defaultOnly, new PageRequest(limit, cursor), order, lastSeenBefore), Ct);

    [Fact]
    public async Task ApplyAlertSignal_FailureThenFailureThenSuccess_OpensCountsAndResolvesOneAlert()
    {
        var venture = Some.VentureCode();

        var opened = await Store.ApplyAlertSignalAsync(Failure(venture, T0), Ct);
        var again = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(1)), Ct);
        var success = Success(venture, T0.AddHours(2));
        var resolved = await Store.ApplyAlertSignalAsync(success, Ct);

        Assert.Equal(AlertChangeKind.Opened, opened.Kind);
        Assert.Equal(AlertChangeKind.Occurrence, again.Kind);
        Assert.Equal(opened.Alert!.Id, again.Alert!.Id);
        Assert.Equal(2, again.Alert.Occurrences);
        Assert.Equal(T0, again.Alert.FirstSeen);
        Assert.Equal(T0.AddHours(1), again.Alert.LastSeen);
        Assert.Equal(AlertChangeKind.Resolved, resolved.Kind);
        Assert.Equal(AlertStatus.Resolved, resolved.Alert!.Status);
        Assert.Equal(T0.AddHours(2), resolved.Alert.ResolvedAt);
        Assert.Equal(success.EventRef, resolved.Alert.ResolvedBy);
        Assert.Equal(0, (await ListAsync(venture)).Total);
    }

    [Fact]
    public async Task ApplyAlertSignal_FailureAfterResolution_OpensANewAlert()
    {
        var venture = Some.VentureCode();
        var first = await Store.ApplyAlertSignalAsync(Failure(venture, T0), Ct);
        await Store.ApplyAlertSignalAsync(Success(venture, T0.AddHours(1)), Ct);

        var second = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(2)), Ct);

        Assert.Equal(AlertChangeKind.Opened, second.Kind);
        Assert.NotEqual(first.Alert!.Id, second.Alert!.Id);
        Assert.Equal(2, (await ListAsync(venture, status: null)).Total);
    }

    [Fact]
    public async Task ApplyAlertSignal_SuccessWithNothingOpenOrOnAnotherBranch_ChangesNothing()
    {
        var venture = Some.VentureCode();
        await Store.ApplyAlertSignalAsync(Failure(venture, T0, branch: "main"), Ct);

        var none = await Store.ApplyAlertSignalAsync(Success(venture, T0.AddHours(1), branch: "feature"), Ct);
        var otherWorkflow = await Store.ApplyAlertSignalAsync(Success(venture, T0.AddHours(1), workflow: "Deploy"), Ct);

        Assert.Equal(AlertChangeKind.None, none.Kind);
        Assert.Null(none.Alert);
        Assert.Equal(AlertChangeKind.None, otherWorkflow.Kind);
        Assert.Equal(1, (await ListAsync(venture)).Total);
    }

    [Fact]
    public async Task ApplyAlertSignal_SuccessFromAnOlderRun_LeavesTheAlertANewerRunOpenedOpen()
    {
        var venture = Some.VentureCode();
        var newer = new RunOrder(T0.AddMinutes(10), 563);
        var opened = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddMinutes(12)) with { Run = newer }, Ct);

        var late = await Store.ApplyAlertSignalAsync(Success(venture, T0.AddMinutes(15)) with { Run = new RunOrder(T0, 562) }, Ct);
        var stillOpen = await ListAsync(venture);
        var resolved = await Store.ApplyAlertSignalAsync(Success(venture, T0.AddMinutes(20)) with { Run = new RunOrder(T0.AddMinutes(18), 564) }, Ct);

        Assert.Equal(newer, opened.Alert!.LastRun);
        Assert.Equal(AlertChangeKind.Kept, late.Kind);
        Assert.Equal(opened.Alert, late.Alert);
        Assert.Equal([opened.Alert], stillOpen.Items);
        Assert.Equal(AlertChangeKind.Resolved, resolved.Kind);
        Assert.Equal(0, (await ListAsync(venture)).Total);
    }

    [Fact]
    public async Task ApplyAlertSignal_Occurrences_KeepTheNewestRunAndItsUrl()
    {
        var venture = Some.VentureCode();
        var first = Failure(venture, T0) with { Run = new RunOrder(T0, 10) };
        await Store.ApplyAlertSignalAsync(first, Ct);
        var newer = Failure(venture, T0.AddMinutes(5)) with { Run = new RunOrder(T0.AddMinutes(4), 11) };
        await Store.ApplyAlertSignalAsync(newer, Ct);

        var older = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddMinutes(6)) with { Run = new RunOrder(T0.AddMinutes(-3), 9) }, Ct);

        Assert.Equal(AlertChangeKind.Occurrence, older.Kind);
        Assert.Equal(3, older.Alert!.Occurrences);
        Assert.Equal(new RunOrder(T0.AddMinutes(4), 11), older.Alert.LastRun);
        Assert.Equal(newer.Url, older.Alert.Url);
        Assert.Equal(T0.AddMinutes(6), older.Alert.LastSeen);
        Assert.Equal(older.Alert, await Store.FindAlertOrNullAsync(older.Alert.Id, Ct));
    }

    [Fact]
    public async Task ApplyAlertSignal_WithoutRunData_StoresNoRunAndAnySuccessResolves()
    {
        var venture = Some.VentureCode();
        var opened = await Store.ApplyAlertSignalAsync(Failure(venture, T0), Ct);

        var resolved = await Store.ApplyAlertSignalAsync(Success(venture, T0.AddMinutes(1)) with { Run = new RunOrder(T0.AddDays(-1), 1) }, Ct);

        Assert.Null(opened.Alert!.LastRun);
        Assert.Equal(AlertChangeKind.Resolved, resolved.Kind);
    }

    [Fact]
    public async Task ApplyAlertSignal_Occurrence_KeepsTheWorseSeverity()
    {
        var venture = Some.VentureCode();
        await Store.ApplyAlertSignalAsync(Failure(venture, T0, severity: AlertSeverity.Critical), Ct);

        var again = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(1), severity: AlertSeverity.Low), Ct);

        Assert.Equal(AlertSeverity.Critical, again.Alert!.Severity);
    }

    [Fact]
    public async Task ResolveAlert_ByHand_RecordsWhoAndWhy_AndResolvingAgainKeepsTheFirst()
    {
        var venture = Some.VentureCode();
        var opened = await Store.ApplyAlertSignalAsync(Failure(venture, T0), Ct);

        var resolved = await Store.ResolveAlertAsync(opened.Alert!.Id, T0.AddHours(1), "key:actor_1", "flaky runner replaced", Ct);
        var again = await Store.ResolveAlertAsync(opened.Alert.Id, T0.AddHours(2), "key:actor_2", "other", Ct);
        var missing = await Store.ResolveAlertAsync("alert_missing", T0, "key:x", "x", Ct);

        Assert.Equal(AlertStatus.Resolved, resolved!.Status);
        Assert.Equal("key:actor_1", resolved.ResolvedBy);
        Assert.Equal("flaky runner replaced", resolved.ResolutionReason);
        Assert.Equal(T0.AddHours(1), again!.ResolvedAt);
        Assert.Equal("key:actor_1", again.ResolvedBy);
        Assert.Null(missing);
        Assert.Equal(resolved, await Store.FindAlertOrNullAsync(opened.Alert.Id, Ct));
    }

    [Fact]
    public async Task ListAlerts_FiltersByStatusBranchAndDefaultBranch_WithExactTotalsAcrossPages()
    {
        var venture = Some.VentureCode();
        for (var i = 0; i < 5; i++) await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddMinutes(i), workflow: $"wf{i}"), Ct);
        await Store.ApplyAlertSignalAsync(Failure(venture, T0, branch: "feature", onDefault: false), Ct);
        await Store.ApplyAlertSignalAsync(Failure(Some.VentureCode(), T0), Ct);

        var first = await ListAsync(venture, defaultOnly: true, limit: 2);
        var second = await ListAsync(venture, defaultOnly: true, limit: 2, cursor: first.NextCursor);
        var third = await ListAsync(venture, defaultOnly: true, limit: 2, cursor: second.NextCursor);
        var feature = await ListAsync(venture, branch: "feature");
        var all = await ListAsync(venture);
        var resolved = await ListAsync(venture, status: AlertStatus.Resolved);

        Assert.All([first, second, third], p => Assert.Equal(5, p.Total));
        Assert.Null(third.NextCursor);
        Assert.Equal(5, first.Items.Concat(second.Items).Concat(third.Items).Select(a => a.Id).Distinct().Count());
        Assert.Equal(1, feature.Total);
        Assert.False(feature.Items[0].OnDefaultBranch);
        Assert.Equal(6, all.Total);
        Assert.Equal(0, resolved.Total);
    }

    [Fact]
    public async Task ListAlerts_InBriefingOrder_IsMostSevereThenOldest()
    {
        var venture = Some.VentureCode();
        var lowOld = await Store.ApplyAlertSignalAsync(Failure(venture, T0, workflow: "a", severity: AlertSeverity.Low), Ct);
        var highNew = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(2), workflow: "b", severity: AlertSeverity.High), Ct);
        var highOld = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(1), workflow: "c", severity: AlertSeverity.High), Ct);
        var critical = await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddHours(3), workflow: "d", severity: AlertSeverity.Critical), Ct);

        var page = await ListAsync(venture, order: AlertOrder.SeverityThenOldest);

        Assert.Equal([critical.Alert!.Id, highOld.Alert!.Id, highNew.Alert!.Id, lowOld.Alert!.Id], page.Items.Select(a => a.Id));
    }

    [Fact]
    public async Task ListAlerts_LastSeenBefore_KeepsAlertsWithNoRecentOccurrence()
    {
        var venture = Some.VentureCode();
        await Store.ApplyAlertSignalAsync(Failure(venture, T0, workflow: "old"), Ct);
        await Store.ApplyAlertSignalAsync(Failure(venture, T0.AddDays(20), workflow: "recent"), Ct);

        var stale = await ListAsync(venture, lastSeenBefore: T0.AddDays(10));

        Assert.Equal(1, stale.Total);
        Assert.Equal("old", stale.Items[0].Workflow);
    }

    [Fact]
    public async Task RecordWebhookDelivery_RepeatedDeliveryId_IsDuplicateAndChangesNothing()
    {
        var venture = Some.VentureCode();
        var delivery = new WebhookDelivery(Guid.NewGuid().ToString(), "workflow_run", "example-org/alpha", venture, "main", T0);

        var first = await Store.RecordWebhookDeliveryAsync(delivery, Failure(venture, T0), Ct);
        var replay = await Store.RecordWebhookDeliveryAsync(delivery with { ReceivedAt = T0.AddMinutes(1) }, Failure(venture, T0.AddMinutes(1)), Ct);
        var alerts = await ListAsync(venture);
        var stats = await Store.GetWebhookStatsAsync(venture, Ct);

        Assert.False(first.Duplicate);
        Assert.Equal(AlertChangeKind.Opened, first.Change.Kind);
        Assert.True(replay.Duplicate);
        Assert.Equal(AlertChangeKind.None, replay.Change.Kind);
        Assert.Equal(1, alerts.Items.Single().Occurrences);
        Assert.Equal(1, stats.Deliveries);
        Assert.Equal(T0, stats.LastDeliveryAt);
    }

    [Fact]
    public async Task RecordWebhookDelivery_ForARepoNoVentureOwns_IsCountedAsUnowned()
    {
        var repo = "stranger-org/" + Some.Name("repo");
        var before = await Store.GetWebhookStatsAsync(null, Ct);

        await Store.RecordWebhookDeliveryAsync(new WebhookDelivery(Guid.NewGuid().ToString(), "workflow_run", repo, null, "main", T0), null, Ct);
        var after = await Store.GetWebhookStatsAsync(Some.VentureCode(), Ct);

        Assert.Equal(before.UnownedDeliveries + 1, after.UnownedDeliveries);
        Assert.Contains(repo, after.UnownedRepos);
        Assert.Equal(0, after.Deliveries);
        Assert.Null(after.LastDeliveryAt);
    }

    [Fact]
    public async Task RecordWebhookDelivery_NamingNoRepo_IsRecordedButNotCountedAsUnowned()
    {
        var delivery = new WebhookDelivery(Guid.NewGuid().ToString(), "ping", null, null, null, T0);

        var first = await Store.RecordWebhookDeliveryAsync(delivery, null, Ct);
        var replay = await Store.RecordWebhookDeliveryAsync(delivery, null, Ct);
        var stats = await Store.GetWebhookStatsAsync(null, Ct);

        Assert.False(first.Duplicate);
        Assert.True(replay.Duplicate);
        Assert.Equal(0, stats.UnownedDeliveries);
        Assert.Empty(stats.UnownedRepos);
        Assert.Equal(0, stats.Deliveries);
    }

    [Fact]
    public async Task RecordWebhookDelivery_WithDefaultBranch_RemembersItPerRepoIgnoringCase()
    {
        var repo = "example-org/" + Some.Name("repo");
        await Store.RecordWebhookDeliveryAsync(new WebhookDelivery(Guid.NewGuid().ToString(), "ping", repo, Some.VentureCode(), "trunk", T0), null, Ct);
        await Store.RecordWebhookDeliveryAsync(new WebhookDelivery(Guid.NewGuid().ToString(), "ping", repo, Some.VentureCode(), "develop", T0.AddMinutes(1)), null, Ct);

        Assert.Equal("develop", await Store.FindRepoDefaultBranchOrNullAsync(repo.ToUpperInvariant(), Ct));
        Assert.Null(await Store.FindRepoDefaultBranchOrNullAsync("example-org/never-seen", Ct));
    }

    [Fact]
    public async Task WebhookSecret_SetTwice_KeepsTheLatest()
    {
        Assert.Null(await Store.FindWebhookSecretOrNullAsync(Ct));

        await Store.SetWebhookSecretAsync("first-secret-0123456789", T0, Ct);
        await Store.SetWebhookSecretAsync("second-secret-0123456789", T0.AddMinutes(1), Ct);

        Assert.Equal("second-secret-0123456789", await Store.FindWebhookSecretOrNullAsync(Ct));
    }

    [Fact]
    public async Task Cadence_InsertMarkDoneAndListByScope_RoundTrips()
    {
        var venture = Some.VentureCode();
        var own = new CadenceItem(Some.Id(IdGenerator.Cadence), venture, "Rotate keys", "Every key older than 90 days", 30, T0, null, null);
        var global = new CadenceItem(Some.Id(IdGenerator.Cadence), Venture.Global, "Review costs", null, 7, T0, null, null);
        var other = new CadenceItem(Some.Id(IdGenerator.Cadence), Some.VentureCode(), "Other", null, 1, T0, null, null);
        foreach (var item in new[] { own, global, other }) await Store.InsertCadenceItemAsync(item, Ct);

        var done = await Store.MarkCadenceDoneAsync(own.Id, T0.AddDays(3), "actor_1", Ct);
        var listed = await Store.ListCadenceItemsAsync([venture, Venture.Global], Ct);
        var none = await Store.ListCadenceItemsAsync([], Ct);

        Assert.Equal(own with { LastDoneAt = T0.AddDays(3), LastDoneBy = "actor_1" }, done);
        Assert.Equal(done, await Store.FindCadenceItemOrNullAsync(own.Id, Ct));
        Assert.Equal([own.Id, global.Id], listed.Where(i => i.Id == own.Id || i.Id == global.Id).Select(i => i.Id));
        Assert.DoesNotContain(listed, i => i.Id == other.Id);
        Assert.Empty(none);
        Assert.Null(await Store.MarkCadenceDoneAsync("cad_missing", T0, "x", Ct));
    }

    [Fact]
    public async Task CheckSchema_OnAFreshStore_MatchesWhatTheBuildExpects()
    {
        var check = await Store.CheckSchemaAsync(Ct);

        Assert.True(check.Matches, $"live {check.LiveHash} ≠ expected {check.ExpectedHash}");
        Assert.Matches("^[0-9a-f]{64}$", check.LiveHash);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("alert_01M8RKQ7E1TYB8JDN73X7QDH6Y")]
    public async Task ListAlerts_WithACursorNoListGaveOut_IsInvalidCursorLikeTheKeysetLists(string cursor)
    {
        var venture = Some.VentureCode();
        await Store.ApplyAlertSignalAsync(Failure(venture, T0), Ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => ListAsync(venture, cursor: cursor));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }
}
