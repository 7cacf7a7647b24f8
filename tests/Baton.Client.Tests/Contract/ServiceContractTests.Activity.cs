using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Core.Sessions;

namespace Baton.Client.Tests.Contract;

/// <summary>
/// Hook events (docs/architecture.md §15) answer the same in both modes: a batch is stored once per id and in order,
/// matched to its session, summarised without secrets, and keeps the waiting queue; bad batches are refused naming
/// every bad field.
/// </summary>
public abstract partial class ServiceContractTests
{
    private static readonly IdGenerator EventIds = new(TimeProvider.System);

    private static HookEventInput Hook(string name, JsonObject payload, DateTimeOffset at, string? sessionId = null, string? native = null,
        HookCli cli = HookCli.Claude, string? agent = null, string? venture = null, string? repo = null) =>
        new(EventIds.New(IdGenerator.Event), cli, name, at, native, "/work/alpha-console", sessionId, agent, venture, repo, payload);

    private static JsonObject Payload(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public async Task RecordEvents_ABatchSentTwice_IsStoredOnceInOrderAndKeepsTheWaitingQueue()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        var session = sod.Session;
        var now = DateTimeOffset.UtcNow;
        var batch = new RecordEventsRequest(
        [
            Hook("PreToolUse", Payload("""{"tool_name":"Bash","tool_input":{"command":"export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"},"x_new":1}"""),
                now.AddSeconds(-3), session.Id, native: "claude-abc"),
            Hook("Notification", Payload("""{"notification_type":"permission_prompt","message":"Claude needs your permission to use Bash"}"""),
                now.AddSeconds(-2), native: "claude-abc"),
        ]);

        var first = await services.Activity.RecordEventsAsync(batch, _ct);
        var again = await services.Activity.RecordEventsAsync(batch, _ct);
        var events = await services.Activity.ListSessionEventsAsync(session.Id, new EventListRequest(), _ct);
        var waiting = await services.Activity.ListWaitingAsync(new WaitingListRequest("alpha"), _ct);
        var shown = await services.Sessions.GetSessionAsync(session.Id, _ct);

        Assert.Equal((2, 0, 0), (first.Stored, first.Duplicates, first.Unmatched));
        Assert.All(first.Events, e => Assert.Equal((RecordedEvent.Stored, session.Id), (e.Outcome, e.SessionId)));
        Assert.Equal((0, 2), (again.Stored, again.Duplicates));
        Assert.Equal(2, events.Total);
        Assert.Equal(["Notification", "PreToolUse"], events.Items.Select(e => e.Event));
        Assert.Equal("Bash: [withheld: looks like a GitHub token]", events.Items[1].Summary);
        Assert.DoesNotContain(events.Items, e => e.Summary?.Contains("ghp_", StringComparison.Ordinal) == true);
        var wait = Assert.Single(waiting.Items);
        Assert.Equal((session.Id, "permission_prompt", "Claude needs your permission to use Bash", HookCli.Claude),
            (wait.SessionId, wait.Reason, wait.Message, wait.Cli));
        Assert.Equal(Timestamp.TruncateToMilliseconds(now.AddSeconds(-2)), wait.Since);
        Assert.InRange(wait.WaitedSeconds, 0, 60);
        Assert.Equal(("claude-abc", "claude"), (shown.NativeSessionId, shown.NativeCli));
    }

    [Fact]
    public async Task RecordEvents_APromptAfterAWait_TakesTheSessionOutOfTheQueue()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();
        await services.Sessions.SodAsync(Sod(agent), _ct);
        var now = DateTimeOffset.UtcNow;

        // No session id: matched as the newest live session of the agent in that repo.
        var waited = await services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("AfterAgent", Payload("""{"prompt_response":"Which branch should I push to?"}"""), now.AddSeconds(-2), cli: HookCli.Gemini,
                agent: agent, venture: "alpha", repo: "alpha-console")]), _ct);
        var during = await services.Activity.ListWaitingAsync(new WaitingListRequest("alpha"), _ct);
        await services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("BeforeAgent", Payload("""{"prompt":"main"}"""), now.AddSeconds(-1), cli: HookCli.Gemini, agent: agent, venture: "alpha", repo: "alpha-console")]), _ct);
        var after = await services.Activity.ListWaitingAsync(new WaitingListRequest("alpha"), _ct);

        Assert.Equal(RecordedEvent.Stored, Assert.Single(waited.Events).Outcome);
        Assert.Equal(HookEventRules.QuestionReason, Assert.Single(during.Items).Reason);
        Assert.Equal(0, after.Total);
    }

    [Fact]
    public async Task RecordEvents_NoSessionMatches_StoresItUnmatched()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var answer = await services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("agent-turn-complete", Payload("""{"type":"agent-turn-complete","thread-id":"t1"}"""), DateTimeOffset.UtcNow, native: "t1", cli: HookCli.Codex)]), _ct);

        Assert.Equal((1, 0, 1), (answer.Stored, answer.Duplicates, answer.Unmatched));
        Assert.Equal(new RecordedEvent(answer.Events[0].Id, RecordedEvent.Unmatched, null), answer.Events[0]);
    }

    [Fact]
    public async Task RecordEvents_ABadBatch_IsRefusedNamingEveryBadField()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [null, new HookEventInput(null, null, "PreToolUse", DateTimeOffset.UtcNow)]), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["events[0]", "events[1].cli", "events[1].id"], error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecordEvents_MoreThan500Events_IsRefused()
    {
        await using var services = await CreateServicesAsync();
        var at = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, HookEventRules.MaxBatch + 1).Select(_ => (HookEventInput?)Hook("Stop", [], at)).ToList();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Activity.RecordEventsAsync(new RecordEventsRequest(events), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("at most 500", Assert.Single(error.Errors!["events"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatestSessionEvents_AnswersEachNamedSessionsLastEvent()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var busy = (await services.Sessions.SodAsync(Sod(Some.Agent()), _ct)).Session;
        var quiet = (await services.Sessions.SodAsync(Sod(Some.Agent()), _ct)).Session;
        var now = DateTimeOffset.UtcNow;
        await services.Activity.RecordEventsAsync(new RecordEventsRequest(
        [
            Hook("PreToolUse", Payload("""{"tool_name":"Bash","tool_input":{"command":"make"}}"""), now.AddSeconds(-2), busy.Id),
            Hook("PreToolUse", Payload("""{"tool_name":"Bash","tool_input":{"command":"dotnet test"}}"""), now.AddSeconds(-1), busy.Id),
        ]), _ct);

        var latest = await services.Activity.LatestSessionEventsAsync([busy.Id, quiet.Id], _ct);
        var none = await services.Activity.LatestSessionEventsAsync([], _ct);

        var last = Assert.Single(latest);
        Assert.Equal((busy.Id, "Bash: dotnet test"), (last.SessionId, last.Summary));
        Assert.Empty(none);
    }

    [Fact]
    public async Task ListSessionEvents_UnknownSession_IsSessionNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            services.Activity.ListSessionEventsAsync(EventIds.New(IdGenerator.Session), new EventListRequest(), _ct));

        Assert.Equal(ErrorCodes.SessionNotFound, error.Code);
    }

    [Fact]
    public async Task ListWaiting_ABadVenture_IsRefusedNamingIt()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            services.Activity.ListWaitingAsync(new WaitingListRequest("Not A Code"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["venture"], error.Errors!.Keys);
    }

    [Fact]
    public async Task Sod_WhenAnotherSessionOfTheVentureWaits_TheBriefingSaysSoInItsOwnSection()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var waiter = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("Notification", Payload("""{"notification_type":"idle_prompt","message":"Claude is waiting for your input"}"""), DateTimeOffset.UtcNow, waiter.Session.Id)]), _ct);

        var other = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        var self = await services.Sessions.SodAsync(Sod(waiter.Session.Agent), _ct);

        Assert.Contains("## Waiting for a human (1)", other.Briefing, StringComparison.Ordinal);
        Assert.Contains("Claude is waiting for your input", other.Briefing, StringComparison.Ordinal);
        Assert.Contains(waiter.Session.Id, other.Briefing, StringComparison.Ordinal);
        // The waiting session's own briefing does not list itself.
        Assert.DoesNotContain("Claude is waiting for your input", self.Briefing, StringComparison.Ordinal);
        Assert.Equal(SessionStatus.Active, self.Session.Status);
    }
}
