using Baton.Core.Common;
using Baton.Core.Requests;
using Baton.Core.Storage;

namespace Baton.Core.Tests;

public sealed class IdempotencyRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly IdempotencyKey Key = new("POST /v1/handoffs", "0123456789abcdef", "k-1");
    private static readonly StoredWrite First = new("Baton.Core.Handoffs.Handoff", """{"id":"ho_1"}""");
    private static readonly StoredResponse Answered = new(201, "application/json", [1], null, null);

    private static IdempotencyScope Scope(string hash = "hash-a", DateTimeOffset? now = null) => new(Key, hash, now ?? T0, (now ?? T0).AddHours(1));

    private static IdempotencyRecord Record(string hash = "hash-a", StoredResponse? response = null, params StoredWrite[] writes) =>
        new(hash, T0.AddHours(1), writes, response);

    [Fact]
    public void DecideWrite_NoRecord_PerformsIntoAFreshRecord() =>
        Assert.Equal(new WriteDecision.Perform(Fresh: true), IdempotencyRules.DecideWrite(null, Scope(), 0));

    [Fact]
    public void DecideWrite_ExpiredRecordOfAnotherRequest_PerformsIntoAFreshRecord() =>
        Assert.Equal(new WriteDecision.Perform(Fresh: true), IdempotencyRules.DecideWrite(Record("hash-b", Answered, First), Scope(now: T0.AddHours(1)), 0));

    [Fact]
    public void DecideWrite_EarlierAttemptMadeThisWrite_ReusesItsResult() =>
        Assert.Equal(new WriteDecision.Reuse(First), IdempotencyRules.DecideWrite(Record(writes: First), Scope(), 0));

    [Fact]
    public void DecideWrite_EarlierAttemptStoppedBeforeThisWrite_PerformsAndAppends() =>
        Assert.Equal(new WriteDecision.Perform(Fresh: false), IdempotencyRules.DecideWrite(Record(writes: First), Scope(), 1));

    [Fact]
    public void DecideWrite_AnswerAlreadyKeptAndNoSuchWrite_RefusesAsInFlight()
    {
        var decision = Assert.IsType<WriteDecision.Refuse>(IdempotencyRules.DecideWrite(Record(response: Answered), Scope(), 0));

        Assert.Equal(ErrorCodes.IdempotencyKeyInFlight, decision.Code);
    }

    [Fact]
    public void DecideWrite_RecordOfAnotherRequest_RefusesAsReused()
    {
        var decision = Assert.IsType<WriteDecision.Refuse>(IdempotencyRules.DecideWrite(Record("hash-b", null, First), Scope(), 0));

        Assert.Equal(ErrorCodes.IdempotencyKeyReused, decision.Code);
    }

    [Theory]
    [InlineData(false, false, "hash-a", AnswerDecision.Insert)]   // no record
    [InlineData(true, false, "hash-a", AnswerDecision.SetAnswer)] // this request's writes, no answer yet
    [InlineData(true, true, "hash-a", AnswerDecision.Keep)]       // answered already: the first answer wins
    [InlineData(true, false, "hash-b", AnswerDecision.Keep)]      // another request's record
    public void DecideAnswer_GivenTheStoredRecord_KeepsTheFirstAnswerOfThisRequestOnly(bool exists, bool answered, string hash, AnswerDecision expected)
    {
        var stored = exists ? Record(hash, answered ? Answered : null, First) : null;

        Assert.Equal(expected, IdempotencyRules.DecideAnswer(stored, Scope()));
    }

    [Fact]
    public void Scope_Entered_IsCurrentOnlyUntilDisposed()
    {
        var scope = Scope();

        using (IdempotencyScope.Enter(scope))
        {
            Assert.Same(scope, IdempotencyScope.Current);
            Assert.Equal(0, scope.NextWrite());
            Assert.Equal(1, scope.NextWrite());
        }

        Assert.Null(IdempotencyScope.Current);
    }

    [Theory]
    [InlineData(StorageFailure.Full, ErrorCodes.StorageFull, 507, "disk is full")]
    [InlineData(StorageFailure.ReadOnly, ErrorCodes.StorageUnavailable, 503, "read-only")]
    [InlineData(StorageFailure.IoError, ErrorCodes.StorageUnavailable, 503, "I/O")]
    [InlineData(StorageFailure.CannotOpen, ErrorCodes.StorageUnavailable, 503, "cannot be opened")]
    [InlineData(StorageFailure.Unreachable, ErrorCodes.StorageUnavailable, 503, "cannot be reached")]
    public void StoreUnavailable_ToProblem_MapsEachFailureOnceToItsCode(StorageFailure failure, string code, int status, string says)
    {
        var problem = new StoreUnavailableException(failure, "/srv/baton", "inner words", null).ToProblem();

        Assert.Equal(code, problem.Code);
        Assert.Equal(status, problem.Status);
        Assert.Contains("/srv/baton", problem.Detail);
        Assert.Contains(says, problem.Detail);
        Assert.Contains("nothing acknowledged was lost", problem.Detail);
    }
}
