namespace Baton.Client;

/// <summary>
/// How <see cref="BatonHttpClient"/> talks to a server. The defaults suit a person at a terminal: a few quick retries
/// that give a restarting server about five seconds, then a clear error.
/// </summary>
public sealed class BatonClientOptions
{
    /// <summary>The server, e.g. <c>http://127.0.0.1:8765</c>. Required.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The API key sent as <c>Authorization: Bearer</c>; null sends none (the server answers 401).</summary>
    public string? Key { get; init; }

    /// <summary>Attempts per logical call, the first included. Default 4.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Backoff before the second attempt; doubles each retry. Default 250 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound for one backoff delay. Default 4 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long one attempt may take before it counts as a transient timeout. Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Waits between attempts. Tests replace it to record delays instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = static (delay, ct) => Task.Delay(delay, ct);

    /// <summary>Source of backoff jitter. Default a new <see cref="Random"/>; tests pass a seeded one.</summary>
    public Random Random { get; init; } = new();

    /// <summary>Makes the Idempotency-Key of one logical call (reused by its retries). Default a new GUID.</summary>
    public Func<string> NewIdempotencyKey { get; init; } = static () => Guid.NewGuid().ToString("N");
}
