using System.Text;
using System.Text.Json;
using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;

namespace Baton.Storage.Contract;

/// <summary>
/// Idempotency records (docs/architecture.md §7, decisions/0011): a write made under a request's key commits the key's
/// record with its result in the same transaction; a retry's write is answered from that result; the answer is kept
/// afterwards, first answer winning.
/// </summary>
public abstract partial class StoreContractTests
{
    private static readonly DateTimeOffset IdemExpiry = T0.AddHours(1);

    private static IdempotencyScope Scope(IdempotencyKey key, string hash = "hash-a", DateTimeOffset? now = null) =>
        new(key, hash, now ?? T0, (now ?? T0).AddHours(1));

    /// <summary>Runs <paramref name="write"/> as the request in <paramref name="scope"/> would.</summary>
    private static async Task<T> UnderAsync<T>(IdempotencyScope scope, Func<Task<T>> write)
    {
        using (IdempotencyScope.Enter(scope)) return await write();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, BatonJson.Options);

    private static StoredResponse Answer(string body, int status = 201, string? location = "/v1/x/1") =>
        new(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(body), null, location);

    [Fact]
    public async Task FindIdempotency_WhenNothingStored_IsNull()
    {
        Assert.Null(await Store.FindIdempotencyAsync(Some.IdempotencyKey(), T0, Ct));
    }

    [Fact]
    public async Task CompleteIdempotency_WithoutWrites_KeepsTheAnswerToReplay()
    {
        var key = Some.IdempotencyKey();
        var body = """{"session":{"id":"sess_1"}}""";

        await Store.CompleteIdempotencyAsync(Scope(key), Answer(body, 201, "/v1/sessions/sess_1"), Ct);
        var record = await Store.FindIdempotencyAsync(key, T0.AddMinutes(5), Ct);

        Assert.NotNull(record);
        Assert.Equal("hash-a", record.RequestHash);
        Assert.Empty(record.Writes);
        Assert.Equal(201, record.Response?.Status);
        Assert.Equal("application/json; charset=utf-8", record.Response?.ContentType);
        Assert.Equal(Encoding.UTF8.GetBytes(body), record.Response?.Body);
        Assert.Equal("/v1/sessions/sess_1", record.Response?.Location);
    }

    [Fact]
    public async Task CompleteIdempotency_WithBodyHashOnly_KeepsTheHash()
    {
        var key = Some.IdempotencyKey();

        await Store.CompleteIdempotencyAsync(Scope(key), new StoredResponse(200, "application/json", null, "abc123", null), Ct);
        var record = await Store.FindIdempotencyAsync(key, T0.AddMinutes(1), Ct);

        Assert.Null(record?.Response?.Body);
        Assert.Equal("abc123", record?.Response?.BodyHash);
        Assert.Null(record?.Response?.Location);
    }

    [Fact]
    public async Task CompleteIdempotency_Twice_KeepsTheFirstAnswer()
    {
        var key = Some.IdempotencyKey();

        await Store.CompleteIdempotencyAsync(Scope(key), Answer("first"), Ct);
        await Store.CompleteIdempotencyAsync(Scope(key, now: T0.AddSeconds(1)), Answer("second"), Ct);

        var record = await Store.FindIdempotencyAsync(key, T0.AddSeconds(2), Ct);
        Assert.Equal(Encoding.UTF8.GetBytes("first"), record?.Response?.Body);
    }

    [Fact]
    public async Task CompleteIdempotency_ForAnotherRequestWithTheKey_LeavesTheFirstRecord()
    {
        var key = Some.IdempotencyKey();
        await Store.CompleteIdempotencyAsync(Scope(key, "hash-a"), Answer("a"), Ct);

        await Store.CompleteIdempotencyAsync(Scope(key, "hash-b", T0.AddSeconds(1)), Answer("b"), Ct);

        var record = await Store.FindIdempotencyAsync(key, T0.AddSeconds(2), Ct);
        Assert.Equal("hash-a", record?.RequestHash);
        Assert.Equal(Encoding.UTF8.GetBytes("a"), record?.Response?.Body);
    }

    [Fact]
    public async Task FindIdempotency_WhenExpired_IsNull_AndANewRequestTakesTheKey()
    {
        var key = Some.IdempotencyKey();
        await Store.CompleteIdempotencyAsync(Scope(key, "hash-a"), Answer("old"), Ct);

        Assert.Null(await Store.FindIdempotencyAsync(key, IdemExpiry, Ct));
        await Store.CompleteIdempotencyAsync(Scope(key, "hash-b", IdemExpiry), Answer("new"), Ct);
        var record = await Store.FindIdempotencyAsync(key, IdemExpiry.AddMinutes(1), Ct);
        Assert.Equal("hash-b", record?.RequestHash);
        Assert.Equal(Encoding.UTF8.GetBytes("new"), record?.Response?.Body);
    }

    [Fact]
    public async Task Write_UnderAKey_CommitsItsResultInTheKeysRecordWithoutAnAnswer()
    {
        var key = Some.IdempotencyKey();
        var note = Some.Note(Some.VentureCode(), T0);

        await UnderAsync(Scope(key), () => Store.InsertNoteAsync(note, Ct));

        var record = await Store.FindIdempotencyAsync(key, T0.AddSeconds(1), Ct);
        Assert.NotNull(record);
        Assert.Null(record.Response);
        var write = Assert.Single(record.Writes);
        Assert.Contains(note.Id, write.Result);
    }

    [Fact]
    public async Task Write_RetriedUnderTheSameKeyAfterTheAnswerWasLost_ReturnsTheFirstResultAndWritesNothing()
    {
        var key = Some.IdempotencyKey();
        var venture = Some.VentureCode();
        var first = Some.Note(venture, T0);
        var retry = Some.Note(venture, T0.AddSeconds(30));

        var stored = await UnderAsync(Scope(key), () => Store.InsertNoteAsync(first, Ct));
        var again = await UnderAsync(Scope(key, now: T0.AddSeconds(30)), () => Store.InsertNoteAsync(retry, Ct));

        Assert.Equal(first.Id, stored.Id);
        Assert.Equal(Json(first), Json(again));
        Assert.Null(await Store.FindNoteOrNullAsync(retry.Id, Ct));
    }

    [Fact]
    public async Task Write_UnderAKeyHeldByAnotherRequest_IsRefused422AndWritesNothing()
    {
        var key = Some.IdempotencyKey();
        await UnderAsync(Scope(key, "hash-a"), () => Store.InsertNoteAsync(Some.Note(Some.VentureCode(), T0), Ct));
        var other = Some.Note(Some.VentureCode(), T0);
        var scope = Scope(key, "hash-b", T0.AddSeconds(1));

        var error = await Assert.ThrowsAsync<BatonException>(() => UnderAsync(scope, () => Store.InsertNoteAsync(other, Ct)));

        Assert.Equal(ErrorCodes.IdempotencyKeyReused, error.Code);
        Assert.True(scope.Refused);
        Assert.Null(await Store.FindNoteOrNullAsync(other.Id, Ct));
    }

    [Fact]
    public async Task Write_UnderAKeyAlreadyAnswered_IsRefusedAsInFlightAndWritesNothing()
    {
        var key = Some.IdempotencyKey();
        await Store.CompleteIdempotencyAsync(Scope(key), Answer("done"), Ct);
        var note = Some.Note(Some.VentureCode(), T0);
        var scope = Scope(key, now: T0.AddSeconds(1));

        var error = await Assert.ThrowsAsync<BatonException>(() => UnderAsync(scope, () => Store.InsertNoteAsync(note, Ct)));

        Assert.Equal(ErrorCodes.IdempotencyKeyInFlight, error.Code);
        Assert.True(scope.Refused);
        Assert.Null(await Store.FindNoteOrNullAsync(note.Id, Ct));
    }

    [Fact]
    public async Task Write_UnderAnExpiredKey_IsPerformedAndStartsAFreshRecord()
    {
        var key = Some.IdempotencyKey();
        await Store.CompleteIdempotencyAsync(Scope(key, "hash-a"), Answer("old"), Ct);
        var note = Some.Note(Some.VentureCode(), IdemExpiry);

        var stored = await UnderAsync(Scope(key, "hash-b", IdemExpiry), () => Store.InsertNoteAsync(note, Ct));

        Assert.Equal(note.Id, stored.Id);
        Assert.NotNull(await Store.FindNoteOrNullAsync(note.Id, Ct));
        var record = await Store.FindIdempotencyAsync(key, IdemExpiry.AddSeconds(1), Ct);
        Assert.Equal("hash-b", record?.RequestHash);
        Assert.Null(record?.Response);
        Assert.Single(record!.Writes);
    }

    [Fact]
    public async Task Write_ThatFails_LeavesNoRecord()
    {
        var key = Some.IdempotencyKey();
        var note = Some.Note(Some.VentureCode(), T0);
        await Store.InsertNoteAsync(note, Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => UnderAsync(Scope(key), () => Store.InsertNoteAsync(note, Ct))); // same id twice

        Assert.Null(await Store.FindIdempotencyAsync(key, T0, Ct));
    }

    [Fact]
    public async Task Writes_OfARetryPastWhereTheFirstAttemptStopped_AreReusedThenPerformed()
    {
        var venture = await GivenVentureAsync();
        var key = Some.IdempotencyKey("POST /v1/sod");
        var candidate = Some.Session(venture.Code, T0);

        // The first attempt made its first write and died before its second.
        var first = await UnderAsync(Scope(key), () => Store.StartOrResumeSessionAsync(candidate, T0, StaleAfter, Ct));
        var retry = Scope(key, now: T0.AddSeconds(5));
        var (sod, touch) = await UnderAsync(retry, async () =>
        {
            var again = await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, T0.AddSeconds(5), agent: candidate.Agent), T0.AddSeconds(5), StaleAfter, Ct);
            var touched = await Store.TouchSessionAsync(again.Session.Id, new SessionUpdate("feature", null, 9, null), T0.AddSeconds(5), StaleAfter, Ct);
            return (again, touched);
        });

        Assert.Equal(Json(first), Json(sod));
        Assert.Equal(TouchResult.Touched, touch.Result);
        Assert.Equal("feature", touch.Session?.Branch);
        var active = await Store.ListSessionsAsync(new SessionQuery(venture.Code, SessionStatus.Active, new PageRequest(50, null)), T0.AddSeconds(6), StaleAfter, Ct);
        Assert.Equal(1, active.Total);
        Assert.Equal(2, (await Store.FindIdempotencyAsync(key, T0.AddSeconds(6), Ct))!.Writes.Count);
    }

    [Fact]
    public async Task Writes_OfEveryKind_RetriedUnderTheirKey_ReturnTheFirstResultUnchanged()
    {
        var venture = await GivenVentureAsync();
        var session = Some.Session(venture.Code, T0);
        await SeedSessionAsync(session);
        var other = Some.Session(venture.Code, T0);
        await SeedSessionAsync(other);
        var key = Some.ApiKey(T0);
        await Store.InsertApiKeyAsync(key, Ct);
        var note = Some.Note(venture.Code, T0);
        await Store.InsertNoteAsync(note, Ct);
        var machine = new Baton.Core.Fleet.Machine(Some.Id(IdGenerator.Machine), Some.Name("host"), "linux", "x64", null, null, null, T0, T0, "0123456789abcdef");

        await AssertRetryReplaysAsync(n => Store.StartOrResumeSessionAsync(Some.Session(venture.Code, n), n, StaleAfter, Ct));
        await AssertRetryReplaysAsync(n => Store.TouchSessionAsync(session.Id, null, n, StaleAfter, Ct));
        await AssertRetryReplaysAsync(n => Store.TouchSessionAsync(session.Id, new SessionUpdate("b", null, null, null), n, StaleAfter, Ct));
        await AssertRetryReplaysAsync(n => Store.EndSessionAsync(other.Id, Some.Handoff(venture.Code, n, sessionId: other.Id), n, StaleAfter, Ct));
        await AssertRetryReplaysAsync(n => Store.InsertHandoffAsync(Some.Handoff(venture.Code, n), Ct));
        await AssertRetryReplaysAsync(n => Store.InsertApiKeyAsync(Some.ApiKey(n), Ct));
        await AssertRetryReplaysAsync(n => Store.RevokeApiKeyAsync(key.Id, n, Ct));
        await AssertRetryReplaysAsync(n => Store.UpdateNoteAsync(note.Id, "t " + n.Second, null, ["x"], n, Ct));
        await AssertRetryReplaysAsync(n => Store.PutDocAsync(Some.Doc(venture.Code, "d.md", "content " + n.Second, n), Ct));
        await AssertRetryReplaysAsync(n => Store.UpsertDocRequirementAsync(Some.DocRequirement(n), Ct));
        await AssertRetryReplaysAsync(n => Store.InsertCadenceItemAsync(
            new CadenceItem(Some.Id(IdGenerator.Cadence), venture.Code, "duty", null, 7, n, null, null), Ct));
        await AssertRetryReplaysAsync(n => Store.UpsertMachineAsync(machine with { Id = Some.Id(IdGenerator.Machine), LastSeenAt = n }, Ct));
        await AssertRetryReplaysAsync(n => Store.ApplyAlertSignalAsync(new AlertSignal(AlertSignalKind.Failure, venture.Code, "example-org/alpha", "CI",
            "main", "workflow_run", AlertSeverity.High, true, "https://example.test/run", n, $"ref-{Some.Number()}", Some.Id(IdGenerator.Alert)), Ct));
        await AssertRetryReplaysAsync(async n =>
        {
            await Store.UpsertVenturesAsync([venture with { Name = "Renamed " + n.Second }], Ct);
            return true;
        });
    }

    /// <summary>A write, then its retry under the same key with other inputs: the retry returns the first result, byte for byte in JSON.</summary>
    private async Task AssertRetryReplaysAsync<T>(Func<DateTimeOffset, Task<T>> write)
    {
        var key = Some.IdempotencyKey();
        var first = await UnderAsync(Scope(key), () => write(T0.AddSeconds(1)));
        var retried = await UnderAsync(Scope(key, now: T0.AddSeconds(2)), () => write(T0.AddSeconds(2)));
        Assert.Equal(Json(first), Json(retried));
    }
}
