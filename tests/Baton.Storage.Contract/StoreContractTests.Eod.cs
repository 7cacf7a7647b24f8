using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;


namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EndSession_WhenActive_EndsItManuallyAndStoresTheHandoff()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var now = T0.AddMinutes(20);
        var handoff = Some.Handoff(venture.Code, now, sessionId: session.Id);

        var outcome = await Store.EndSessionAsync(session.Id, handoff, now, StaleAfter, Ct);

        Assert.Equal(EodResult.Ended, outcome.Result);
        var expected = session with { Status = SessionStatus.Ended, EndReason = EndReason.Manual, EndedAt = now };
        AssertSameSession(expected, outcome.Session);
        Assert.Equal(handoff, outcome.Handoff);
        AssertSameSession(expected, await Store.FindSessionOrNullAsync(session.Id, now, StaleAfter, Ct));
        Assert.Equal(handoff, await Store.FindHandoffOrNullAsync(handoff.Id, Ct));
    }

    [Fact]
    public async Task EndSession_WhenAlreadyEnded_ChangesNothingAndReturnsTheFirstHandoff()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var first = await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, T0, sessionId: session.Id), T0.AddMinutes(1), StaleAfter, Ct);
        // A retry: the same content (payload hash), built again with a new id.
        var second = Some.Handoff(venture.Code, T0.AddMinutes(2), sessionId: session.Id) with { PayloadHash = first.Handoff!.PayloadHash };

        var again = await Store.EndSessionAsync(session.Id, second, T0.AddMinutes(2), StaleAfter, Ct);

        Assert.Equal(EodResult.AlreadyEnded, again.Result);
        Assert.Equal(first.Handoff, again.Handoff);
        AssertSameSession(first.Session!, again.Session);
        Assert.Null(await Store.FindHandoffOrNullAsync(second.Id, Ct));
        Assert.Equal(1, (await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First()), Ct)).Total);
    }

    [Fact]
    public async Task EndSession_AgainWithOtherContent_ReportsTheFirstHandoffAndStoresNothing()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var first = await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, T0, sessionId: session.Id), T0.AddMinutes(1), StaleAfter, Ct);
        var other = Some.Handoff(venture.Code, T0.AddMinutes(2), sessionId: session.Id);

        var again = await Store.EndSessionAsync(session.Id, other, T0.AddMinutes(2), StaleAfter, Ct);

        Assert.Equal(EodResult.EndedWithOtherHandoff, again.Result);
        Assert.Equal(first.Handoff, again.Handoff);
        AssertSameSession(first.Session!, again.Session);
        Assert.Null(await Store.FindHandoffOrNullAsync(other.Id, Ct));
        Assert.Equal(1, (await Store.ListHandoffsAsync(new HandoffQuery(venture.Code, null, null, null, PageRequest.First()), Ct)).Total);
        AssertSameSession(first.Session!, await Store.FindSessionOrNullAsync(session.Id, T0.AddMinutes(2), StaleAfter, Ct));
    }

    [Fact]
    public async Task EndSession_WhenSuperseded_KeepsItsStatusButStoresTheHandoff()
    {
        var venture = await GivenVentureAsync();
        var older = Some.Session(venture.Code, T0);
        var newer = Some.Session(venture.Code, T0.AddMinutes(1), agent: older.Agent);
        await SeedSessionAsync(older);
        await SeedSessionAsync(newer);
        var supersededAt = T0.AddMinutes(2);
        await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, supersededAt, agent: older.Agent), supersededAt, StaleAfter, Ct);
        var handoff = Some.Handoff(venture.Code, T0.AddMinutes(3), sessionId: older.Id);

        var outcome = await Store.EndSessionAsync(older.Id, handoff, T0.AddMinutes(3), StaleAfter, Ct);

        Assert.Equal(EodResult.Ended, outcome.Result);
        AssertSameSession(older with { Status = SessionStatus.Ended, EndReason = EndReason.Superseded, EndedAt = supersededAt }, outcome.Session);
        Assert.Equal(handoff, await Store.FindHandoffOrNullAsync(handoff.Id, Ct));
        var repeated = await Store.EndSessionAsync(older.Id, Some.Handoff(venture.Code, T0.AddMinutes(4), sessionId: older.Id) with { PayloadHash = handoff.PayloadHash },
            T0.AddMinutes(4), StaleAfter, Ct);
        Assert.Equal(EodResult.AlreadyEnded, repeated.Result);
        Assert.Equal(handoff.Id, repeated.Handoff?.Id);
    }

    [Fact]
    public async Task EndSession_WhenStale_KeepsItAbandonedButStoresTheHandoff()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await Store.StartOrResumeSessionAsync(session, T0, StaleAfter, Ct);
        var now = T0.AddHours(2);
        var handoff = Some.Handoff(venture.Code, now, sessionId: session.Id);

        var outcome = await Store.EndSessionAsync(session.Id, handoff, now, StaleAfter, Ct);

        Assert.Equal(EodResult.Ended, outcome.Result);
        Assert.Equal(SessionStatus.Abandoned, outcome.Session?.Status);
        Assert.Equal(EndReason.Stale, outcome.Session?.EndReason);
        Assert.Equal(handoff, await Store.FindHandoffOrNullAsync(handoff.Id, Ct));
    }

    [Fact]
    public async Task EndSession_WhenSessionUnknown_ReportsNotFoundAndStoresNothing()
    {
        var venture = await GivenVentureAsync();
        var handoff = Some.Handoff(venture.Code, T0);

        var outcome = await Store.EndSessionAsync(Some.Id("sess"), handoff, T0, StaleAfter, Ct);

        Assert.Equal(EodResult.NotFound, outcome.Result);
        Assert.Null(outcome.Session);
        Assert.Null(outcome.Handoff);
        Assert.Null(await Store.FindHandoffOrNullAsync(handoff.Id, Ct));
    }
}
