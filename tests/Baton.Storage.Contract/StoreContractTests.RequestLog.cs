using Baton.Core.Requests;


namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task AppendRequestLog_ThenList_ReturnsEveryFieldNewestFirst()
    {
        var older = Some.RequestLogEntry(T0);
        var newer = Some.RequestLogEntry(T0.AddSeconds(1)) with
        {
            Status = 404, ErrorCode = "session_not_found", ActorKeyId = null, Venture = null, DurationMs = 0.5,
        };

        await Store.AppendRequestLogAsync([older, newer], Ct);

        Assert.Equal([newer, older], await Store.ListRequestLogAsync(null, 10, Ct));
    }

    [Fact]
    public async Task ListRequestLog_ByCorrelationIdAndLimit_ReturnsOnlyMatchesUpToLimit()
    {
        var correlation = "corr_" + Guid.NewGuid();
        var entries = Enumerable.Range(0, 5).Select(i => Some.RequestLogEntry(T0.AddSeconds(i), i % 2 == 0 ? correlation : null)).ToList();
        await Store.AppendRequestLogAsync(entries, Ct);

        var matching = await Store.ListRequestLogAsync(correlation, 10, Ct);
        var limited = await Store.ListRequestLogAsync(null, 2, Ct);

        Assert.Equal([entries[4], entries[2], entries[0]], matching);
        Assert.Equal([entries[4], entries[3]], limited);
    }

    [Fact]
    public async Task Purge_RemovesOldLogRowsAndExpiredIdempotencyRecordsOnly()
    {
        var old = Some.RequestLogEntry(T0.AddDays(-8));
        var recent = Some.RequestLogEntry(T0.AddDays(-1));
        await Store.AppendRequestLogAsync([old, recent], Ct);
        var expired = Some.IdempotencyKey();
        var live = Some.IdempotencyKey();
        var answer = new StoredResponse(200, "application/json", [1], null, null);
        await Store.CompleteIdempotencyAsync(new IdempotencyScope(expired, "h", T0.AddHours(-2), T0.AddHours(-1)), answer, Ct);
        await Store.CompleteIdempotencyAsync(new IdempotencyScope(live, "h", T0, T0.AddHours(1)), answer, Ct);

        var removed = await Store.PurgeAsync(T0.AddDays(-7), T0, Ct);

        Assert.Equal(2, removed);
        Assert.Equal([recent], await Store.ListRequestLogAsync(null, 10, Ct));
        Assert.NotNull(await Store.FindIdempotencyAsync(live, T0, Ct));
        // Looked for at a time it was still live: gone all the same, because purge deleted it.
        Assert.Null(await Store.FindIdempotencyAsync(expired, T0.AddHours(-2), Ct));
    }
}
