
namespace Baton.Core.Sessions;

/// <summary>When a client should next heartbeat, as told by the server.</summary>
public sealed record HeartbeatPlan(DateTimeOffset NextHeartbeatAt, int HeartbeatIntervalSeconds);

/// <summary>
/// Heartbeat intervals are drawn by the server from 600 s ± 120 s (480–720 s inclusive) so a fleet that started
/// together does not heartbeat together.
/// </summary>
public static class HeartbeatSchedule
{
    public const int MinSeconds = 480;
    public const int MaxSeconds = 720;

    public static HeartbeatPlan Next(DateTimeOffset now, Random random)
    {
        var seconds = random.Next(MinSeconds, MaxSeconds + 1);
        return new HeartbeatPlan(now.AddSeconds(seconds), seconds);
    }
}
