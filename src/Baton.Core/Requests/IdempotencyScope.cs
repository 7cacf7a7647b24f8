namespace Baton.Core.Requests;

/// <summary>
/// The Idempotency-Key a request runs under, seen by the store's writes for that request (docs/architecture.md §7,
/// decisions/0013-idempotency-commits-with-the-write.md). The HTTP layer enters it around the handler; every store
/// write made while it is current commits the key's record in its own transaction — the write's result with it — so
/// after any crash a retry either finds that the write was done (and is answered from the stored result) or finds
/// nothing (and performs it). Services never see it: it travels with the request's async flow, like its cancellation.
/// </summary>
public sealed class IdempotencyScope
{
    private static readonly AsyncLocal<IdempotencyScope?> Ambient = new();

    private int _writes = -1;
    private int _refused;

    public IdempotencyScope(IdempotencyKey key, string requestHash, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        Key = key;
        RequestHash = requestHash;
        Now = now;
        ExpiresAt = expiresAt;
    }

    public IdempotencyKey Key { get; }

    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public string RequestHash { get; }

    /// <summary>When the request arrived: the record's <c>created_at</c>.</summary>
    public DateTimeOffset Now { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// True once a write found the key held by another request (a different body, or an attempt that has already
    /// been answered): the answer this request gets must not be stored as the key's answer.
    /// </summary>
    public bool Refused => Volatile.Read(ref _refused) != 0;

    /// <summary>The scope of the request running on this async flow, or null (no key, local mode, background work).</summary>
    public static IdempotencyScope? Current => Ambient.Value;

    /// <summary>Makes <paramref name="scope"/> current until the result is disposed (then whatever was current before).</summary>
    public static IDisposable Enter(IdempotencyScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var previous = Ambient.Value;
        Ambient.Value = scope;
        return new Exit(previous);
    }

    /// <summary>
    /// The position of the next write of this request (0, 1, …). A request's writes run one after another and a retry
    /// makes the same ones in the same order, so the position names a write across attempts.
    /// </summary>
    public int NextWrite() => Interlocked.Increment(ref _writes);

    public void MarkRefused() => Interlocked.Exchange(ref _refused, 1);

    private sealed class Exit(IdempotencyScope? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>One write a request made under its key: the result type's name and the result as JSON.</summary>
public sealed record StoredWrite(string Type, string Result);

/// <summary>
/// An idempotency record as stored: the request it belongs to, the writes it made (each committed with the record),
/// and its answer once stored (<see cref="Response"/> null: the writes are done but the answer was never kept).
/// </summary>
public sealed record IdempotencyRecord(string RequestHash, DateTimeOffset ExpiresAt, IReadOnlyList<StoredWrite> Writes, StoredResponse? Response);

/// <summary>What a write under an <see cref="IdempotencyScope"/> does, decided by <see cref="IdempotencyRules.DecideWrite"/>.</summary>
public abstract record WriteDecision
{
    private WriteDecision() { }

    /// <summary>Run the write and record its result at its position (a fresh record when <see cref="Fresh"/>).</summary>
    public sealed record Perform(bool Fresh) : WriteDecision;

    /// <summary>An earlier attempt did this write: answer its stored result, write nothing.</summary>
    public sealed record Reuse(StoredWrite Stored) : WriteDecision;

    /// <summary>The key is another request's (or already answered): refuse with this code and detail, write nothing.</summary>
    public sealed record Refuse(string Code, string Detail) : WriteDecision;
}

/// <summary>What storing an answer does, decided by <see cref="IdempotencyRules.DecideAnswer"/>.</summary>
public enum AnswerDecision
{
    /// <summary>No live record: insert a completed one.</summary>
    Insert,

    /// <summary>This request's record without an answer: add it.</summary>
    SetAnswer,

    /// <summary>Another request's record, or already answered (the first answer wins): leave it.</summary>
    Keep,
}

/// <summary>The idempotency rules both stores apply inside their transactions (every input passed in).</summary>
public static class IdempotencyRules
{
    /// <summary>A record past its expiry counts as absent.</summary>
    public static IdempotencyRecord? Live(IdempotencyRecord? record, DateTimeOffset now) =>
        record is not null && record.ExpiresAt > now ? record : null;

    /// <summary>
    /// What write number <paramref name="position"/> of the request in <paramref name="scope"/> does, given the
    /// key's record as stored (read under the write's lock, so no other attempt changes it meanwhile).
    /// </summary>
    public static WriteDecision DecideWrite(IdempotencyRecord? stored, IdempotencyScope scope, int position)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var live = Live(stored, scope.Now);
        if (live is null) return new WriteDecision.Perform(Fresh: true);
        if (!string.Equals(live.RequestHash, scope.RequestHash, StringComparison.Ordinal))
            return new WriteDecision.Refuse(Common.ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request on this route. Use a new key for a new request.");
        if (position < live.Writes.Count) return new WriteDecision.Reuse(live.Writes[position]);
        if (live.Response is not null)
            // Another attempt finished and was answered while this one ran: its answer is the key's answer.
            return new WriteDecision.Refuse(Common.ErrorCodes.IdempotencyKeyInFlight,
                "Another request with this Idempotency-Key has just been answered. Retry to get its answer.");
        return new WriteDecision.Perform(Fresh: false);
    }

    /// <summary>What storing the answer of the request in <paramref name="scope"/> does, given the key's record as stored.</summary>
    public static AnswerDecision DecideAnswer(IdempotencyRecord? stored, IdempotencyScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var live = Live(stored, scope.Now);
        if (live is null) return AnswerDecision.Insert;
        if (live.Response is null && string.Equals(live.RequestHash, scope.RequestHash, StringComparison.Ordinal)) return AnswerDecision.SetAnswer;
        return AnswerDecision.Keep;
    }
}
