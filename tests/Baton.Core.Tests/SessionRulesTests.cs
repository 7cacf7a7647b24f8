using Baton.Core.Common;
using Baton.Core.Keys;
using Baton.Core.Sessions;


namespace Baton.Core.Tests;

public class SessionRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Stale = TimeSpan.FromMinutes(45);
    private const string Hash = "aaaa0000";
    private static readonly RecordedEod First = new("ho_first", Hash);

    private static Session Active(string id, TimeSpan createdAgo, TimeSpan heartbeatAgo) => new(
        id, "claude-a", "claude", "host", "alpha", "example-org/alpha-console", "main", null, "main", null,
        SessionStatus.Active, null, Now - createdAgo, Now - heartbeatAgo, null, "k", "corr_x", null);

    [Fact]
    public void Decide_WhenNoActiveSession_Creates()
    {
        var decision = SessionRules.Decide([], Now, Stale);

        Assert.Null(decision.Resume);
        Assert.Null(decision.Abandon);
        Assert.Empty(decision.Supersede);
    }

    [Fact]
    public void Decide_WhenOneFreshSession_ResumesIt()
    {
        var fresh = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(44));

        var decision = SessionRules.Decide([fresh], Now, Stale);

        Assert.Same(fresh, decision.Resume);
        Assert.Null(decision.Abandon);
    }

    [Fact]
    public void Decide_WhenExistingSessionIsStale_AbandonsItAndCreatesNew()
    {
        var stale = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(45));

        var decision = SessionRules.Decide([stale], Now, Stale);

        Assert.Null(decision.Resume);
        Assert.Same(stale, decision.Abandon);
    }

    [Fact]
    public void Decide_WhenSeveralActive_KeepsNewestAndSupersedesTheRest()
    {
        var oldest = Active("sess_1", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1));
        var newest = Active("sess_3", TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        var middle = Active("sess_2", TimeSpan.FromHours(2), TimeSpan.FromMinutes(2));

        var decision = SessionRules.Decide([oldest, newest, middle], Now, Stale);

        Assert.Same(newest, decision.Resume);
        Assert.Equal(["sess_2", "sess_1"], decision.Supersede.Select(s => s.Id));
    }

    [Fact]
    public void Decide_WhenSeveralActiveAndNewestStale_SupersedesOthersAndAbandonsNewest()
    {
        var older = Active("sess_1", TimeSpan.FromHours(3), TimeSpan.FromMinutes(1));
        var newestStale = Active("sess_2", TimeSpan.FromHours(1), TimeSpan.FromMinutes(50));

        var decision = SessionRules.Decide([older, newestStale], Now, Stale);

        Assert.Null(decision.Resume);
        Assert.Same(newestStale, decision.Abandon);
        Assert.Equal(["sess_1"], decision.Supersede.Select(s => s.Id));
    }

    [Fact]
    public void AsSeenAt_ActivePastThreshold_ReadsAsAbandonedStaleEndedWhenItWentStale()
    {
        var stored = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(60));

        var seen = SessionRules.AsSeenAt(stored, Now, Stale);

        Assert.Equal(SessionStatus.Abandoned, seen.Status);
        Assert.Equal(EndReason.Stale, seen.EndReason);
        Assert.Equal(stored.LastHeartbeatAt + Stale, seen.EndedAt);
    }

    [Fact]
    public void AsSeenAt_FreshOrEnded_IsUnchanged()
    {
        var fresh = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(10));
        var ended = fresh with { Status = SessionStatus.Ended, EndReason = EndReason.Manual, LastHeartbeatAt = Now.AddDays(-3) };

        Assert.Same(fresh, SessionRules.AsSeenAt(fresh, Now, Stale));
        Assert.Same(ended, SessionRules.AsSeenAt(ended, Now, Stale));
    }

    [Fact]
    public void DecideEnd_WhenSessionUnknown_IsNotFoundAndStoresNothing()
    {
        var decision = SessionRules.DecideEnd(null, null, Hash, Now, Stale);

        Assert.IsType<EndDecision.NotFound>(decision);
        Assert.False(decision.StoresHandoff);
    }

    [Fact]
    public void DecideEnd_WhenAHandoffIsAlreadyRecorded_IsAlreadyEndedWithThatHandoff()
    {
        var ended = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(5)) with
        {
            Status = SessionStatus.Ended, EndReason = EndReason.Manual, EndedAt = Now.AddMinutes(-5),
        };

        var decision = SessionRules.DecideEnd(ended, First, Hash, Now, Stale);

        Assert.Equal(new EndDecision.AlreadyEnded("ho_first"), decision);
        Assert.False(decision.StoresHandoff);
    }

    [Fact]
    public void DecideEnd_WhenAHandoffWithOtherContentIsRecorded_IsRefusedNamingTheFirst_AndStoresNothing()
    {
        var ended = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(5)) with
        {
            Status = SessionStatus.Ended, EndReason = EndReason.Manual, EndedAt = Now.AddMinutes(-5),
        };

        var decision = SessionRules.DecideEnd(ended, First, "bbbb1111", Now, Stale);

        Assert.Equal(new EndDecision.EndedWithOtherHandoff("ho_first"), decision);
        Assert.False(decision.StoresHandoff);
    }

    [Fact]
    public void DecideEnd_WhenTheRecordedHandoffsHashIsUnknown_IsRefusedRatherThanTakenForARepeat()
    {
        var ended = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(5)) with { Status = SessionStatus.Ended };

        Assert.Equal(new EndDecision.EndedWithOtherHandoff("ho_first"),
            SessionRules.DecideEnd(ended, new RecordedEod("ho_first", null), Hash, Now, Stale));
    }

    [Fact]
    public void DecideEnd_WhenActiveWithAHandoffRecorded_IsStillAlreadyEnded()
    {
        // The recorded handoff wins over the status: a retry must never store a second handoff, whatever the row says.
        var active = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(5));

        Assert.Equal(new EndDecision.AlreadyEnded("ho_first"), SessionRules.DecideEnd(active, First, Hash, Now, Stale));
    }

    [Fact]
    public void DecideEnd_WhenActiveAndFresh_EndsItManuallyAndStoresTheHandoff()
    {
        var fresh = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromMinutes(44));

        var decision = SessionRules.DecideEnd(fresh, null, Hash, Now, Stale);

        Assert.Equal(new EndDecision.End(SessionStatus.Ended, EndReason.Manual), decision);
        Assert.True(decision.StoresHandoff);
    }

    [Fact]
    public void DecideEnd_WhenActiveButStale_AbandonsItAsStaleAndStoresTheHandoff()
    {
        var clock = new ManualClock(Now);
        var session = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.Zero);
        clock.Advance(Stale);

        var decision = SessionRules.DecideEnd(session, null, Hash, clock.GetUtcNow(), Stale);

        Assert.Equal(new EndDecision.End(SessionStatus.Abandoned, EndReason.Stale), decision);
        Assert.True(decision.StoresHandoff);
    }

    [Fact]
    public void DecideEnd_JustBeforeTheThreshold_EndsManually()
    {
        var clock = new ManualClock(Now);
        var session = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.Zero);
        clock.Advance(Stale - TimeSpan.FromMilliseconds(1));

        Assert.Equal(new EndDecision.End(SessionStatus.Ended, EndReason.Manual),
            SessionRules.DecideEnd(session, null, Hash, clock.GetUtcNow(), Stale));
    }

    [Theory]
    [InlineData(SessionStatus.Ended, EndReason.Superseded)]
    [InlineData(SessionStatus.Abandoned, EndReason.Stale)]
    public void DecideEnd_WhenAlreadyEndedAnotherWay_KeepsItsStatusButStoresTheHandoff(SessionStatus status, EndReason reason)
    {
        var over = Active("sess_1", TimeSpan.FromHours(2), TimeSpan.FromHours(1)) with
        {
            Status = status, EndReason = reason, EndedAt = Now.AddMinutes(-30),
        };

        var decision = SessionRules.DecideEnd(over, null, Hash, Now, Stale);

        Assert.IsType<EndDecision.KeepStatus>(decision);
        Assert.True(decision.StoresHandoff);
    }
}

public class HeartbeatScheduleTests
{
    [Fact]
    public void Next_ManyDraws_StayWithin480And720SecondsAndSpreadOut()
    {
        var now = DateTimeOffset.UnixEpoch;
        var random = new Random(1234);

        var intervals = Enumerable.Range(0, 5_000).Select(_ => HeartbeatSchedule.Next(now, random)).ToList();

        Assert.All(intervals, p =>
        {
            Assert.InRange(p.HeartbeatIntervalSeconds, 480, 720);
            Assert.Equal(now.AddSeconds(p.HeartbeatIntervalSeconds), p.NextHeartbeatAt);
        });
        Assert.Contains(intervals, p => p.HeartbeatIntervalSeconds == 480);
        Assert.Contains(intervals, p => p.HeartbeatIntervalSeconds == 720);
        Assert.True(intervals.Select(p => p.HeartbeatIntervalSeconds).Distinct().Count() > 200, "intervals should spread over the range");
    }
}

public class IdGeneratorTests
{
    [Fact]
    public void New_ManyInOneMillisecond_AreStrictlyIncreasingAndWellFormed()
    {
        var ids = new IdGenerator(ManualClock.At("2026-11-22T01:30:00.123Z"));

        var made = Enumerable.Range(0, 1_000).Select(_ => ids.New(IdGenerator.Session)).ToList();

        Assert.All(made, id => Assert.Matches("^sess_[0-9A-HJKMNP-TV-Z]{26}$", id));
        Assert.Equal(made.OrderBy(x => x, StringComparer.Ordinal), made);
        Assert.Equal(made.Count, made.Distinct().Count());
    }

    [Fact]
    public void New_LaterTime_SortsAfterEarlierTime()
    {
        var clock = ManualClock.At("2026-11-22T01:30:00.123Z");
        var ids = new IdGenerator(clock);
        var first = ids.New("ho");
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(string.CompareOrdinal(ids.New("ho"), first) > 0);
    }
}

public class KeyHashingTests
{
    [Fact]
    public void Hash_IsSha256HexAndActorIdIsItsFirst16Characters()
    {
        var hash = KeyHashing.Hash("abc");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash);
        Assert.Equal("ba7816bf8f01cfea", KeyHashing.ActorKeyIdOf(hash));
    }

    [Fact]
    public void NewKey_IsPrefixedAndUnique()
    {
        var a = KeyHashing.NewKey();
        var b = KeyHashing.NewKey();

        Assert.StartsWith("bk_", a);
        Assert.NotEqual(a, b);
        Assert.True(KeyHashing.HashesEqual(KeyHashing.Hash(a), KeyHashing.Hash(a)));
        Assert.False(KeyHashing.HashesEqual(KeyHashing.Hash(a), KeyHashing.Hash(b)));
    }
}
