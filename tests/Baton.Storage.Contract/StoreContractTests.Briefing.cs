using Baton.Core.Alerts;
using Baton.Core.Briefing;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    /// <summary>
    /// Makes the store run <paramref name="between"/> after the briefing's first reads (its handoffs) and before the
    /// rest, inside the same read (the stores' test seam); null removes it.
    /// </summary>
    protected abstract void RunBetweenBriefingReads(Func<Task>? between);

    [Fact]
    public async Task ReadBriefingSources_EveryPart_IsWhatItsOwnPortAnswers()
    {
        var venture = await GivenVentureAsync();
        var source = await GivenVentureAsync();
        var now = T0.AddHours(2);
        await GivenBriefingWorldAsync(venture, source, now);
        var query = BriefingQuery(venture, now, fullDocs: true);

        var sources = await Store.ReadBriefingSourcesAsync(query, Ct);

        Assert.Equal((await Store.ListHandoffsAsync(query.LastHandoff, Ct)).Items.Single(), sources.LastHandoff);
        AssertSamePage(await Store.ListHandoffsAsync(query.AddressedHandoffs, Ct), sources.AddressedHandoffs);
        AssertSamePage(await Store.ListSessionsAsync(query.ActiveSessions, now, StaleAfter, Ct), sources.ActiveSessions);
        Assert.Equal(query.Notes.Count, sources.Notes.Count);
        for (var i = 0; i < query.Notes.Count; i++) AssertSamePage(await Store.SearchNotesAsync(query.Notes[i], Ct), sources.Notes[i]);
        var docs = await Store.ListDocsAsync(query.DocScopes, Ct);
        Assert.Equal(docs, sources.Docs);
        var full = new List<Doc>();
        foreach (var d in docs) full.Add((await Store.FindDocOrNullAsync(d.Scope, d.Name, null, Ct))!);
        Assert.Equal(full, sources.FullDocs);
        Assert.Equal(BriefingJson(await Store.ListDocRequirementsAsync(Ct)), BriefingJson(sources.DocRequirements));
        AssertSamePage(await Store.ListAlertsAsync(query.OpenAlerts, Ct), sources.OpenAlerts);
        Assert.Equal((await Store.ListAlertsAsync(query.AllOpenAlerts, Ct)).Total, sources.AllOpenAlerts);
        Assert.Equal((await Store.ListAlertsAsync(query.PossiblyStaleAlerts, Ct)).Total, sources.PossiblyStaleAlerts);
        Assert.Equal(await Store.ListCadenceItemsAsync(query.CadenceScopes, Ct), sources.Cadence);
        var webhooks = await Store.GetWebhookStatsAsync(venture.Code, Ct);
        Assert.Equal(webhooks with { UnownedRepos = [] }, sources.Webhooks with { UnownedRepos = [] });
        Assert.Equal(webhooks.UnownedRepos, sources.Webhooks.UnownedRepos);
        Assert.Equal(await Store.CheckSchemaAsync(Ct), sources.Schema);
        // The world above is not empty, so the comparisons compared something.
        Assert.Equal((1, 2, 2, 3), (sources.LastHandoff is null ? 0 : 1, sources.AddressedHandoffs.Items.Count, sources.ActiveSessions.Items.Count,
            sources.Notes.Sum(n => n.Items.Count)));
        Assert.NotEmpty(sources.FullDocs);
    }

    [Fact]
    public async Task ReadBriefingSources_WriteCommittedBetweenItsReads_IsInNoneOfTheLaterParts()
    {
        var venture = await GivenVentureAsync();
        var source = await GivenVentureAsync();
        var now = T0.AddHours(2);
        await GivenBriefingWorldAsync(venture, source, now);
        var query = BriefingQuery(venture, now, fullDocs: false);
        var before = await Store.ReadBriefingSourcesAsync(query, Ct);

        var lateSession = Some.Session(venture.Code, now);
        var lateNote = Some.Note(venture.Code, now, tags: ["executive-summary"]);
        var lateDoc = Some.Doc(venture.Code, Some.Name("late") + ".md", "late", now);
        RunBetweenBriefingReads(async () =>
        {
            await Store.StartOrResumeSessionAsync(lateSession, now, StaleAfter, Ct);
            await Store.InsertNoteAsync(lateNote, Ct);
            await Store.PutDocAsync(lateDoc, Ct);
            await Store.ApplyAlertSignalAsync(BriefingFailure(venture.Code, now, "late"), Ct);
        });
        var during = await Store.ReadBriefingSourcesAsync(query, Ct);
        RunBetweenBriefingReads(null);
        var after = await Store.ReadBriefingSourcesAsync(query, Ct);

        // Every list and every count after the seam is as it was before the write: one snapshot.
        AssertSamePage(before.ActiveSessions, during.ActiveSessions);
        for (var i = 0; i < before.Notes.Count; i++) AssertSamePage(before.Notes[i], during.Notes[i]);
        Assert.Equal(before.Docs, during.Docs);
        AssertSamePage(before.OpenAlerts, during.OpenAlerts);
        Assert.Equal((before.AllOpenAlerts, before.PossiblyStaleAlerts), (during.AllOpenAlerts, during.PossiblyStaleAlerts));
        // … and the write did commit: the next read shows it everywhere, list and count together.
        Assert.Contains(after.ActiveSessions.Items, s => s.Id == lateSession.Id);
        Assert.Equal(before.ActiveSessions.Total + 1, after.ActiveSessions.Total);
        Assert.Contains(after.Notes[0].Items, h => h.Note.Id == lateNote.Id);
        Assert.Equal(before.Notes[0].Total + 1, after.Notes[0].Total);
        Assert.Equal(before.Docs.Count + 1, after.Docs.Count);
        Assert.Equal(before.OpenAlerts.Total + 1, after.OpenAlerts.Total);
        Assert.Equal(before.AllOpenAlerts + 1, after.AllOpenAlerts);
    }

    [Fact]
    public async Task StartOrResumeSessionAndReadBriefing_NewThenAgain_ReadsAfterTheWriteAndResumesLikeStartOrResume()
    {
        var venture = await GivenVentureAsync();
        var source = await GivenVentureAsync();
        var now = T0.AddHours(2);
        await GivenBriefingWorldAsync(venture, source, now);
        var query = BriefingQuery(venture, now, fullDocs: false);
        var others = (await Store.ListSessionsAsync(query.ActiveSessions, now, StaleAfter, Ct)).Total;
        var candidate = Some.Session(venture.Code, now, repo: "example-org/alpha", track: "main");

        var first = await Store.StartOrResumeSessionAndReadBriefingAsync(candidate, now, StaleAfter, query, Ct);
        var again = await Store.StartOrResumeSessionAndReadBriefingAsync(candidate with { Id = Some.Id(IdGenerator.Session) }, now.AddMinutes(1),
            StaleAfter, query with { Now = now.AddMinutes(1) }, Ct);

        Assert.False(first.Outcome.Resumed);
        AssertSameSession(candidate, first.Outcome.Session);
        Assert.Equal(others + 1, first.Sources.ActiveSessions.Total);
        Assert.Contains(first.Sources.ActiveSessions.Items, s => s.Id == candidate.Id);
        Assert.Equal((await Store.ListHandoffsAsync(query.LastHandoff, Ct)).Items.Single(), first.Sources.LastHandoff);
        Assert.True(again.Outcome.Resumed);
        Assert.Equal(candidate.Id, again.Outcome.Session.Id);
        Assert.Equal(now.AddMinutes(1), again.Outcome.Session.LastHeartbeatAt);
        Assert.Equal(others + 1, again.Sources.ActiveSessions.Total);
        Assert.Equal(now.AddMinutes(1), (await Store.FindSessionOrNullAsync(candidate.Id, now.AddMinutes(1), StaleAfter, Ct))!.LastHeartbeatAt);
    }

    /// <summary>
    /// A venture with something in every part of its briefing: own handoffs of its track (and of another track),
    /// handoffs addressed to it, active sessions (and a stale one), tagged notes here, elsewhere and global, docs, an
    /// open alert on and off the default branch, a duty and a webhook delivery.
    /// </summary>
    private async Task GivenBriefingWorldAsync(Venture venture, Venture source, DateTimeOffset now)
    {
        foreach (var h in new[]
        {
            Some.Handoff(venture.Code, T0, track: "main"), Some.Handoff(venture.Code, T0, track: "main"), Some.Handoff(venture.Code, T0, track: "docs"),
            Some.Handoff(venture.Code, T0, sourceVenture: source.Code), Some.Handoff(venture.Code, T0, sourceVenture: source.Code),
        })
            await Store.InsertHandoffAsync(h, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, now.AddMinutes(-5)), now.AddMinutes(-5), StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, now.AddMinutes(-1)), now.AddMinutes(-1), StaleAfter, Ct);
        await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, now.AddHours(-1)), now.AddHours(-1), StaleAfter, Ct);
        await Store.InsertNoteAsync(Some.Note(venture.Code, T0, tags: ["executive-summary"]), Ct);
        await Store.InsertNoteAsync(Some.Note(venture.Code, T0, tags: ["other"]), Ct);
        await Store.InsertNoteAsync(Some.Note(source.Code, T0, tags: ["executive-summary"]), Ct);
        await Store.InsertNoteAsync(Some.Note(Venture.Global, T0, tags: ["executive-summary"]), Ct);
        await Store.PutDocAsync(Some.Doc(venture.Code, $"{venture.Code}-project-instructions.md", "instructions", T0), Ct);
        await Store.PutDocAsync(Some.Doc(Venture.Global, Some.Name("handbook") + ".md", "handbook", T0), Ct);
        await Store.ApplyAlertSignalAsync(BriefingFailure(venture.Code, T0, "CI"), Ct);
        await Store.ApplyAlertSignalAsync(BriefingFailure(venture.Code, T0, "CI") with { Branch = "feature", OnDefaultBranch = false }, Ct);
        await Store.InsertCadenceItemAsync(new CadenceItem(Some.Id(IdGenerator.Cadence), venture.Code, "Rotate keys", null, 30, T0, null, null), Ct);
        await Store.RecordWebhookDeliveryAsync(new WebhookDelivery(Some.Name("delivery"), "ping", "example-org/alpha", venture.Code, null, T0), null, Ct);
    }

    /// <summary>The queries the SOD briefing asks (Core's SodBriefing), for <paramref name="venture"/>'s main track.</summary>
    private static BriefingSourceQuery BriefingQuery(Venture venture, DateTimeOffset now, bool fullDocs)
    {
        IReadOnlyList<string> tags = ["executive-summary"];
        return new BriefingSourceQuery(
            new HandoffQuery(venture.Code, "example-org/alpha", "main", null, PageRequest.First(1), HandoffOrigin.Own),
            new HandoffQuery(venture.Code, null, null, null, PageRequest.First(20), HandoffOrigin.Addressed),
            new SessionQuery(venture.Code, SessionStatus.Active, PageRequest.First(21)),
            [
                new NoteQuery(null, tags, [venture.Code], null, false, PageRequest.First(20)),
                new NoteQuery(null, tags, null, [venture.Code, Venture.Global], false, PageRequest.First(20)),
                new NoteQuery(null, tags, [Venture.Global], null, false, PageRequest.First(20)),
            ],
            [venture.Code, Venture.Global],
            fullDocs,
            new AlertQuery(venture.Code, AlertStatus.Open, null, true, PageRequest.First(20), AlertOrder.SeverityThenOldest),
            new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1)),
            new AlertQuery(venture.Code, AlertStatus.Open, null, false, PageRequest.First(1), LastSeenBefore: now - AlertRules.PossiblyStaleAfter),
            [venture.Code],
            venture.Code,
            now,
            StaleAfter,
            new BriefingQueueQuery(venture.Code, Some.Name("agent"), PageRequest.First(20)));
    }

    private static AlertSignal BriefingFailure(string venture, DateTimeOffset at, string workflow) =>
        new(AlertSignalKind.Failure, venture, "example-org/alpha", workflow, "main", "workflow_run", AlertSeverity.High, true,
            $"https://github.com/example-org/alpha/actions/runs/{Some.Number()}", at, $"github:workflow_run:{Guid.NewGuid():N}", Some.Id(IdGenerator.Alert));

    /// <summary>Records holding lists (a note's tags) are compared by their JSON: record equality compares lists by reference.</summary>
    private static string BriefingJson<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, BatonJson.Options);

    private static void AssertSamePage<T>(Page<T> expected, Page<T> actual)
    {
        Assert.Equal(BriefingJson(expected.Items), BriefingJson(actual.Items));
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.NextCursor, actual.NextCursor);
    }
}
