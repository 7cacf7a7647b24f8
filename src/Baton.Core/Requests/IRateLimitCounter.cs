namespace Baton.Core.Requests;

/// <summary>
/// Counts requests per actor in a store several replicas share, so one actor's limit holds across all of them. Only a
/// store shared by replicas registers it; without it the server counts in memory.
/// </summary>
public interface IRateLimitCounter
{
    /// <summary>
    /// Counts this request in the actor's fixed window of <paramref name="window"/> (a new window starts at
    /// <paramref name="now"/> when the last one is over) and returns the window's start and its count including this request.
    /// </summary>
    Task<(DateTimeOffset WindowStart, int Count)> CountRequestAsync(string actorKeyId, DateTimeOffset now, TimeSpan window, CancellationToken ct);
}
