using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Ventures;


namespace Baton.Client.Tests.Contract;

/// <summary>The service interfaces as one front end sees them, plus what it takes to tear them down.</summary>
public sealed record ServiceSet(
    ISessionService Sessions, IHandoffService Handoffs, IVentureService Ventures, IKeyService Keys, INoteService Notes, IDocService Docs,
    Func<ValueTask> Dispose)
    : IAsyncDisposable
{
    public IAgentService Agents { get; init; } = null!;
    public ITaskService Tasks { get; init; } = null!;
    public IActivityService Activity { get; init; } = null!;
    public Baton.Core.Claims.IClaimService Claims { get; init; } = null!;
    public Baton.Core.Spend.ISpendService Spend { get; init; } = null!;

    ValueTask IAsyncDisposable.DisposeAsync() => Dispose();
}

/// <summary>
/// One contract for Core's service interfaces, run against local mode (services over a SQLite file) and server mode
/// (<see cref="BatonHttpClient"/> over a real server). The same calls must give the same answers and the same
/// <see cref="BatonException"/> codes in both, or the CLI behaves differently depending on BATON_URL.
/// </summary>
public abstract partial class ServiceContractTests
{
    /// <summary>Fresh services over an empty store, with an admin's rights.</summary>
    protected abstract Task<ServiceSet> CreateServicesAsync();

    // Per test (xunit makes an instance per test), so one slow test never eats another's time.
    private readonly CancellationToken _ct = TestTimeouts.Token();

    private async Task SeedVenturesAsync(ServiceSet services)
    {
        await services.Ventures.PutVentureAsync("alpha", new PutVentureRequest("Project Alpha", "example-org", ["alpha-console"], ["has_api"]), _ct);
        await services.Ventures.PutVentureAsync("beta", new PutVentureRequest("Project Beta", "example-org", ["beta-web"]), _ct);
    }

    private static SodRequest Sod(string agent, string venture = "alpha", string repo = "example-org/alpha-console", string? track = null) =>
        new(agent, venture, repo, track, Cli: "test", Host: "test-host");

    // ---- SOD ----

    [Fact]
    public async Task Sod_Twice_ResumesTheSameSession()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();

        var first = await services.Sessions.SodAsync(Sod(agent), _ct);
        var second = await services.Sessions.SodAsync(Sod(agent), _ct);

        Assert.False(first.Resumed);
        Assert.True(second.Resumed);
        Assert.Equal(first.Session.Id, second.Session.Id);
        Assert.Equal(SessionStatus.Active, second.Session.Status);
        Assert.StartsWith("sess_", second.Session.Id);
        Assert.Contains("example-org/alpha-console", second.Briefing);
    }

    [Fact]
    public async Task Sod_OtherTrack_StartsASeparateSession()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();

        var main = await services.Sessions.SodAsync(Sod(agent), _ct);
        var other = await services.Sessions.SodAsync(Sod(agent, track: "docs"), _ct);

        Assert.NotEqual(main.Session.Id, other.Session.Id);
        Assert.Equal("docs", other.Session.Track);
    }

    [Fact]
    public async Task Sod_TwoAgents_EachSeesTheOtherAsActiveButNotItself()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var (one, two) = (Some.Agent(), Some.Agent());

        var first = await services.Sessions.SodAsync(Sod(one), _ct);
        var second = await services.Sessions.SodAsync(Sod(two), _ct);

        Assert.Equal(1, second.ActiveSessions.Total);
        Assert.Equal(first.Session.Id, Assert.Single(second.ActiveSessions.Items).Id);
        Assert.Contains(one, second.Briefing);
    }

    [Fact]
    public async Task Sod_UnknownVenture_ThrowsVentureNotFoundListingKnownCodes()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.SodAsync(Sod(Some.Agent(), venture: "nope"), _ct));

        Assert.Equal(ErrorCodes.VentureNotFound, error.Code);
        Assert.Contains("alpha", error.Detail);
        Assert.Contains("beta", error.Detail);
    }

    [Fact]
    public async Task Sod_MissingAgent_ThrowsValidationFailedNamingTheField()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.SodAsync(new SodRequest(null, "alpha", "example-org/alpha-console"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.NotNull(error.Errors);
        Assert.Contains("agent", error.Errors!.Keys);
    }

    // ---- heartbeat and update ----

    [Fact]
    public async Task Heartbeat_ActiveSession_AnswersAPlanWithinTheJitterBounds()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        var beat = await services.Sessions.HeartbeatAsync(sod.Session.Id, _ct);

        Assert.Equal(sod.Session.Id, beat.Session.Id);
        Assert.InRange(beat.Heartbeat.HeartbeatIntervalSeconds, HeartbeatSchedule.MinSeconds, HeartbeatSchedule.MaxSeconds);
        Assert.True(beat.Session.LastHeartbeatAt >= sod.Session.LastHeartbeatAt);
        Assert.Equal(beat.Session.LastHeartbeatAt.AddSeconds(beat.Heartbeat.HeartbeatIntervalSeconds), beat.Heartbeat.NextHeartbeatAt);
    }

    [Fact]
    public async Task Heartbeat_UnknownSession_ThrowsSessionNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.HeartbeatAsync("sess_01J00000000000000000000000", _ct));

        Assert.Equal(ErrorCodes.SessionNotFound, error.Code);
    }

    [Fact]
    public async Task Heartbeat_EndedSession_ThrowsSessionNotActive()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Sessions.EodAsync(new EodRequest(sod.Session.Id, "done for today", HandoffStatus.Done), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.HeartbeatAsync(sod.Session.Id, _ct));

        Assert.Equal(ErrorCodes.SessionNotActive, error.Code);
    }

    [Fact]
    public async Task Update_BranchCommitAndIssue_AreStoredOnTheSession()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        await services.Sessions.UpdateAsync(sod.Session.Id, new UpdateSessionRequest("feature/x", "abc1234", 42), _ct);
        var stored = await services.Sessions.GetSessionAsync(sod.Session.Id, _ct);

        Assert.Equal("feature/x", stored.Branch);
        Assert.Equal("abc1234", stored.CommitSha);
        Assert.Equal(42, stored.IssueNumber);
    }

    // ---- EOD and handoffs ----

    [Fact]
    public async Task Eod_Repeated_ChangesNothingAndAnswersTheSameHandoff()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        var request = new EodRequest(sod.Session.Id, "shipped the parser", HandoffStatus.Done, Accomplished: ["parser"], NextSteps: ["docs"]);

        var first = await services.Sessions.EodAsync(request, _ct);
        var second = await services.Sessions.EodAsync(request, _ct);
        var handoffs = await services.Handoffs.ListHandoffsAsync(new HandoffListRequest(Venture: "alpha"), _ct);

        Assert.Equal(SessionStatus.Ended, first.Session.Status);
        Assert.Equal(first.Handoff.Id, second.Handoff.Id);
        Assert.Equal(first.Handoff.PayloadHash, second.Handoff.PayloadHash);
        Assert.Equal(1, handoffs.Total);
        Assert.Equal(64, first.Handoff.PayloadHash.Length);
    }

    [Fact]
    public async Task Eod_AgainWithADifferentSummary_ThrowsSessionAlreadyEndedNamingTheFirstHandoff()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        var first = await services.Sessions.EodAsync(new EodRequest(sod.Session.Id, "shipped the parser", HandoffStatus.Done), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            services.Sessions.EodAsync(new EodRequest(sod.Session.Id, "shipped the parser and the docs", HandoffStatus.Done), _ct));
        var handoffs = await services.Handoffs.ListHandoffsAsync(new HandoffListRequest(Venture: "alpha"), _ct);

        Assert.Equal(ErrorCodes.SessionAlreadyEnded, error.Code);
        Assert.Equal(409, ErrorCodes.StatusOf(error.Code));
        Assert.Contains(first.Handoff.Id, error.Detail);
        Assert.Equal(1, handoffs.Total);
    }

    [Fact]
    public async Task Eod_ThenSod_ShowsTheHandoffAsLastHandoffInANewSession()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();
        var sod = await services.Sessions.SodAsync(Sod(agent), _ct);
        var summary = Some.Text("left the migration half done");
        var eod = await services.Sessions.EodAsync(new EodRequest(sod.Session.Id, summary, HandoffStatus.InProgress), _ct);

        var next = await services.Sessions.SodAsync(Sod(agent), _ct);

        Assert.NotEqual(sod.Session.Id, next.Session.Id);
        Assert.False(next.Resumed);
        Assert.Equal(eod.Handoff.Id, next.LastHandoff?.Id);
        Assert.Equal(HandoffStatus.InProgress, next.LastHandoff?.Status);
        Assert.Contains(summary, next.Briefing);
    }

    [Fact]
    public async Task Eod_MissingSummary_ThrowsValidationFailedNamingTheField()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.EodAsync(new EodRequest(sod.Session.Id, null, HandoffStatus.Done), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("summary", error.Errors!.Keys);
    }

    [Fact]
    public async Task CreateHandoff_ToAnotherVenture_AppearsInThatVenturesNextSod()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var summary = Some.Text("beta's login page breaks on alpha's tokens");

        var receipt = await services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest(
            "alpha", "example-org/alpha-console", Some.Agent(), summary, HandoffStatus.Blocked, ToVenture: "beta"), _ct);
        var betaSod = await services.Sessions.SodAsync(Sod(Some.Agent(), venture: "beta", repo: "example-org/beta-web"), _ct);

        Assert.Equal("beta", receipt.Venture);
        Assert.Equal(1, betaSod.AddressedHandoffs.Total);
        var addressed = Assert.Single(betaSod.AddressedHandoffs.Items);
        Assert.Equal(receipt.Id, addressed.Id);
        Assert.Equal("alpha", addressed.SourceVenture);
        Assert.Contains(summary, betaSod.Briefing);
    }

    [Fact]
    public async Task CreateHandoff_UnknownTargetVenture_ThrowsVentureNotFound()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest(
            "alpha", "example-org/alpha-console", Some.Agent(), "x", HandoffStatus.Done, ToVenture: "nope"), _ct));

        Assert.Equal(ErrorCodes.VentureNotFound, error.Code);
    }

    [Fact]
    public async Task ListHandoffs_MoreThanOnePage_ReportsExactTotalAndPagesThroughEveryOne()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var written = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var receipt = await services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest(
                "alpha", "example-org/alpha-console", Some.Agent(), Some.Text("step"), HandoffStatus.InProgress), _ct);
            written.Add(receipt.Id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await services.Handoffs.ListHandoffsAsync(new HandoffListRequest(Venture: "alpha", Limit: 2, Cursor: cursor), _ct);
            Assert.Equal(5, page.Total);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(h => h.Id));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(written.AsEnumerable().Reverse(), seen); // newest first
    }

    [Fact]
    public async Task Lists_CursorNoListGaveOut_ThrowInvalidCursorInBothModes()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        var sessions = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.ListSessionsAsync(new SessionListRequest(Cursor: "garbage"), _ct));
        var handoffs = await Assert.ThrowsAsync<BatonException>(() =>
            services.Handoffs.ListHandoffsAsync(new HandoffListRequest(Venture: "alpha", Cursor: "garbage"), _ct));
        var notes = await Assert.ThrowsAsync<BatonException>(() =>
            services.Notes.SearchNotesAsync(new NoteSearchRequest(null, null, "alpha", null, null, null, "garbage"), _ct));

        Assert.Equal(ErrorCodes.InvalidCursor, sessions.Code);
        Assert.Equal(ErrorCodes.InvalidCursor, handoffs.Code);
        Assert.Equal(ErrorCodes.InvalidCursor, notes.Code);
    }

    [Fact]
    public async Task CreateHandoff_PayloadWithADuplicateKey_ThrowsValidationFailedInBothModes()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        // Parsed, not built: JsonNode keeps both keys until the object is read, as a CLI argument or MCP call would hand it in.
        var payload = System.Text.Json.Nodes.JsonNode.Parse("""{"a":1,"a":2}""")!.AsObject();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest(
            "alpha", "example-org/alpha-console", Some.Agent(), "s", HandoffStatus.Done, Payload: payload), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
    }

    [Fact]
    public async Task ListSessions_FilteredByVentureAndStatus_CountsOnlyThoseExactly()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var ended = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Sessions.EodAsync(new EodRequest(ended.Session.Id, "done", HandoffStatus.Done), _ct);
        await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Sessions.SodAsync(Sod(Some.Agent(), venture: "beta", repo: "example-org/beta-web"), _ct);

        var alphaActive = await services.Sessions.ListSessionsAsync(new SessionListRequest("alpha", SessionStatus.Active, Limit: 1), _ct);
        var alphaAll = await services.Sessions.ListSessionsAsync(new SessionListRequest("alpha"), _ct);

        Assert.Equal(2, alphaActive.Total);
        Assert.Single(alphaActive.Items);
        Assert.NotNull(alphaActive.NextCursor);
        Assert.Equal(3, alphaAll.Total);
        Assert.Null(alphaAll.NextCursor);
        Assert.All(alphaAll.Items, s => Assert.Equal("alpha", s.Venture));
    }

    [Fact]
    public async Task GetSession_Unknown_ThrowsSessionNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.GetSessionAsync("sess_01J00000000000000000000000", _ct));

        Assert.Equal(ErrorCodes.SessionNotFound, error.Code);
    }

    // ---- ventures ----

    [Fact]
    public async Task PutVenture_ThenGetAndList_ReturnTheSameFields()
    {
        await using var services = await CreateServicesAsync();

        var put = await services.Ventures.PutVentureAsync("gamma", new PutVentureRequest(
            "Project Gamma", "gamma-org", ["one", "two"], ["has_api"], "/gamma", null, true, ["executive-summary"]), _ct);
        var got = await services.Ventures.GetVentureAsync("gamma", _ct);
        var list = await services.Ventures.ListVenturesAsync(_ct);

        Assert.Equal("Project Gamma", got.Name);
        Assert.Equal(["one", "two"], got.Repos);
        Assert.True(got.Platform);
        Assert.Equal("/gamma", got.SecretsPath);
        Assert.Equal(put.Code, Assert.Single(list).Code);
    }

    [Fact]
    public async Task PutVenture_BadCode_ThrowsValidationFailed()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            services.Ventures.PutVentureAsync("Not_Valid", new PutVentureRequest("X", "org", ["r"]), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
    }

    [Fact]
    public async Task GetVenture_Unknown_ThrowsVentureNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Ventures.GetVentureAsync("nope", _ct));

        Assert.Equal(ErrorCodes.VentureNotFound, error.Code);
    }

    // ---- keys ----

    [Fact]
    public async Task CreateKey_ThenListAndRevoke_ShowsTheKeyOnceAndMarksItRevoked()
    {
        await using var services = await CreateServicesAsync();
        var name = Some.Text("ci bot");

        var created = await services.Keys.CreateKeyAsync(new CreateKeyRequest(KeyRole.Agent, name), _ct);
        var listed = (await services.Keys.ListKeysAsync(_ct)).Single(k => k.Id == created.Id);
        var revoked = await services.Keys.RevokeKeyAsync(created.Id, _ct);

        Assert.StartsWith(KeyHashing.KeyPrefix, created.Key);
        Assert.Equal(KeyHashing.ActorKeyIdOf(KeyHashing.Hash(created.Key)), created.ActorKeyId);
        Assert.Equal(name, listed.Name);
        Assert.Null(listed.RevokedAt);
        Assert.NotNull(revoked.RevokedAt);
    }

    [Fact]
    public async Task RevokeKey_Unknown_ThrowsKeyNotFound()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Keys.RevokeKeyAsync("key_01J00000000000000000000000", _ct));

        Assert.Equal(ErrorCodes.KeyNotFound, error.Code);
    }
}
