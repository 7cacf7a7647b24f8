using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>
/// The claims side of the storage contract (<see cref="IClaimStore"/>): the decision in one transaction (two racing
/// sessions, exactly one wins), held = not released and the session live (staleness judged on read), EOD releasing a
/// session's claims, and the paged list with exact totals. Each store's test project subclasses this once.
/// </summary>
public abstract class ClaimStoreContractTests : StoreContractBase
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    private const string Repo = "example-org/alpha";

    private async Task<Venture> GivenVentureAsync()
    {
        var venture = Some.Venture();
        await Store.UpsertVenturesAsync([venture], Ct);
        return venture;
    }

    private async Task<Session> GivenSessionAsync(Venture venture, DateTimeOffset at, string? track = null)
    {
        var candidate = Some.Session(venture.Code, at, track: track ?? Session.DefaultTrack);
        return (await Store.StartOrResumeSessionAsync(candidate, at, StaleAfter, Ct)).Session;
    }

    private static Claim NewClaim(Session session, DateTimeOffset at, ClaimMode mode, params string[] files) =>
        new(Some.Id(IdGenerator.Claim), session.Id, session.Venture, session.Repo, session.Agent, null, files, mode, at, null, null, "0123456789abcdef");

    private static Claim NewIssueClaim(Session session, DateTimeOffset at, int issue) =>
        new(Some.Id(IdGenerator.Claim), session.Id, session.Venture, session.Repo, session.Agent, issue, [], ClaimMode.Shared, at, null, null, null);

    private static void AssertSameClaim(Claim expected, Claim? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Files = [] }, actual with { Files = [] });
        Assert.Equal(expected.Files, actual.Files);
    }

    [Fact]
    public async Task InsertClaim_WhenNothingHeld_GrantsAndStoresEveryField()
    {
        var session = await GivenSessionAsync(await GivenVentureAsync(), T0);
        var claim = NewClaim(session, T0, ClaimMode.Exclusive, "src/**", "docs/*.md");

        var outcome = await Store.InsertClaimAsync(claim, T0, StaleAfter, Ct);

        Assert.Equal(ClaimResult.Granted, outcome.Result);
        AssertSameClaim(claim, outcome.Claim);
        AssertSameClaim(claim, await Store.FindClaimOrNullAsync(claim.Id, Ct));
        var issue = NewIssueClaim(session, T0, 15);
        Assert.Equal(ClaimResult.Granted, (await Store.InsertClaimAsync(issue, T0, StaleAfter, Ct)).Result);
        AssertSameClaim(issue, await Store.FindClaimOrNullAsync(issue.Id, Ct));
    }

    [Fact]
    public async Task InsertClaim_WhenAnotherSessionHoldsAnOverlappingExclusiveClaim_RefusesNamingItAndStoresNothing()
    {
        var venture = await GivenVentureAsync();
        var holder = await GivenSessionAsync(venture, T0);
        var other = await GivenSessionAsync(venture, T0, track: "other");
        var held = NewClaim(holder, T0, ClaimMode.Exclusive, "src/**");
        await Store.InsertClaimAsync(held, T0, StaleAfter, Ct);
        var refused = NewClaim(other, T0.AddMinutes(1), ClaimMode.Shared, "src/Claims/Claim.cs");

        var outcome = await Store.InsertClaimAsync(refused, T0.AddMinutes(1), StaleAfter, Ct);

        Assert.Equal(ClaimResult.Refused, outcome.Result);
        AssertSameClaim(held, Assert.Single(outcome.Holders));
        Assert.Null(await Store.FindClaimOrNullAsync(refused.Id, Ct));
    }

    [Fact]
    public async Task InsertClaim_WhenTheSessionHoldsTheSameClaim_AnswersTheHeldOne()
    {
        var session = await GivenSessionAsync(await GivenVentureAsync(), T0);
        var first = NewClaim(session, T0, ClaimMode.Exclusive, "src/**");
        await Store.InsertClaimAsync(first, T0, StaleAfter, Ct);

        var again = await Store.InsertClaimAsync(NewClaim(session, T0.AddMinutes(1), ClaimMode.Exclusive, "src/**"), T0.AddMinutes(1), StaleAfter, Ct);

        Assert.Equal(ClaimResult.AlreadyHeld, again.Result);
        AssertSameClaim(first, again.Claim);
    }

    [Fact]
    public async Task InsertClaim_WhenSessionsRaceForTheSameFile_ExactlyOneWins()
    {
        var venture = await GivenVentureAsync();
        var sessions = new List<Session>();
        for (var i = 0; i < 8; i++) sessions.Add(await GivenSessionAsync(venture, T0, track: "t" + i));

        var outcomes = await Task.WhenAll(sessions.Select(s =>
            Task.Run(() => Store.InsertClaimAsync(NewClaim(s, T0, ClaimMode.Exclusive, "src/a.cs"), T0, StaleAfter, Ct))));

        var winner = Assert.Single(outcomes, o => o.Result == ClaimResult.Granted);
        Assert.All(outcomes.Where(o => o != winner), o =>
        {
            Assert.Equal(ClaimResult.Refused, o.Result);
            Assert.Equal(winner.Claim!.Id, Assert.Single(o.Holders).Id);
        });
        Assert.Equal(1, (await Store.ListClaimsAsync(new ClaimQuery(venture.Code, Repo, null, PageRequest.First(20)), T0, StaleAfter, Ct)).Total);
    }

    [Fact]
    public async Task InsertClaim_WhenSessionIsStaleOrMissing_RefusesWithoutStoring()
    {
        var session = await GivenSessionAsync(await GivenVentureAsync(), T0);
        var late = T0 + StaleAfter;

        var stale = await Store.InsertClaimAsync(NewClaim(session, late, ClaimMode.Exclusive, "src/**"), late, StaleAfter, Ct);
        var missing = await Store.InsertClaimAsync(NewClaim(session with { Id = Some.Id(IdGenerator.Session) }, T0, ClaimMode.Exclusive, "x"), T0, StaleAfter, Ct);

        Assert.Equal(ClaimResult.SessionNotActive, stale.Result);
        Assert.Equal(ClaimResult.SessionNotFound, missing.Result);
    }

    [Fact]
    public async Task ListClaims_WhenTheHoldersSessionGoesStale_NoLongerHoldsAndAnotherMayClaim()
    {
        var venture = await GivenVentureAsync();
        var holder = await GivenSessionAsync(venture, T0);
        await Store.InsertClaimAsync(NewClaim(holder, T0, ClaimMode.Exclusive, "src/**"), T0, StaleAfter, Ct);
        var later = T0 + StaleAfter;
        var other = await GivenSessionAsync(venture, later, track: "other");
        var query = new ClaimQuery(venture.Code, Repo, null, PageRequest.First(20));

        Assert.Equal(1, (await Store.ListClaimsAsync(query, later - TimeSpan.FromMilliseconds(1), StaleAfter, Ct)).Total);
        var page = await Store.ListClaimsAsync(query, later, StaleAfter, Ct);
        var taken = await Store.InsertClaimAsync(NewClaim(other, later, ClaimMode.Exclusive, "src/a.cs"), later, StaleAfter, Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
        Assert.Equal(ClaimResult.Granted, taken.Result);
        var held = await Store.ListHeldClaimsAsync(venture.Code, Repo, later, StaleAfter, Ct);
        Assert.Equal(taken.Claim!.Id, Assert.Single(held).Id);
    }

    [Fact]
    public async Task EndSession_ReleasesTheSessionsClaims()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var claim = NewClaim(session, T0, ClaimMode.Exclusive, "src/**");
        await Store.InsertClaimAsync(claim, T0, StaleAfter, Ct);
        var at = T0.AddMinutes(5);

        await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, at, sessionId: session.Id), at, StaleAfter, Ct);

        var stored = await Store.FindClaimOrNullAsync(claim.Id, Ct);
        Assert.Equal(at, stored!.ReleasedAt);
        Assert.Equal(ClaimRelease.Eod, stored.ReleaseReason);
        Assert.Empty(await Store.ListHeldClaimsAsync(venture.Code, Repo, at, StaleAfter, Ct));
    }

    [Fact]
    public async Task ReleaseClaim_ReleasesOnceAndARepeatAnswersTheFirstRelease()
    {
        var session = await GivenSessionAsync(await GivenVentureAsync(), T0);
        var claim = NewClaim(session, T0, ClaimMode.Exclusive, "src/**");
        await Store.InsertClaimAsync(claim, T0, StaleAfter, Ct);

        var first = await Store.ReleaseClaimAsync(claim.Id, T0.AddMinutes(1), Ct);
        var second = await Store.ReleaseClaimAsync(claim.Id, T0.AddMinutes(2), Ct);

        AssertSameClaim(claim with { ReleasedAt = T0.AddMinutes(1), ReleaseReason = ClaimRelease.Released }, first);
        AssertSameClaim(first!, second);
        Assert.Null(await Store.ReleaseClaimAsync(Some.Id(IdGenerator.Claim), T0, Ct));
    }

    [Fact]
    public async Task ListClaims_FiltersAndPagesNewestFirstWithExactTotals()
    {
        var venture = await GivenVentureAsync();
        var mine = await GivenSessionAsync(venture, T0);
        var theirs = await GivenSessionAsync(venture, T0, track: "other");
        var claims = new List<Claim>();
        for (var i = 0; i < 5; i++)
        {
            var claim = NewClaim(i % 2 == 0 ? mine : theirs, T0, ClaimMode.Shared, $"dir{i}/**");
            await Store.InsertClaimAsync(claim, T0, StaleAfter, Ct);
            claims.Add(claim);
        }

        var all = await ReadAllAsync(new ClaimQuery(venture.Code, Repo, null, PageRequest.First(2)));
        var bySession = await Store.ListClaimsAsync(new ClaimQuery(venture.Code, null, theirs.Id, PageRequest.First(20)), T0, StaleAfter, Ct);
        var others = await Store.ListClaimsAsync(new ClaimQuery(venture.Code, Repo, null, PageRequest.First(20), mine.Agent, mine.Track), T0, StaleAfter, Ct);

        Assert.Equal(claims.Select(c => c.Id).Reverse(), all.Select(c => c.Id));
        Assert.Equal(2, bySession.Total);
        Assert.Equal(bySession.Items.Select(c => c.Id), others.Items.Select(c => c.Id));
        Assert.Equal(2, others.Total);
    }

    private async Task<List<Claim>> ReadAllAsync(ClaimQuery query) =>
        await Paging.ReadAllAsync(cursor => Store.ListClaimsAsync(query with { Page = new PageRequest(query.Page.Limit, cursor) }, T0, StaleAfter, Ct),
            expectedTotal: 5, expectedPages: 3);
}
