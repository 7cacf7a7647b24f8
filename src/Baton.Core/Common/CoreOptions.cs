namespace Baton.Core.Common;

/// <summary>Options the core services read. Validated once at start by the host (Baton.Hosting).</summary>
public sealed class CoreOptions
{
    /// <summary>The stale threshold when none is configured (docs/architecture.md §4).</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromMinutes(45);

    /// <summary>No heartbeat for this long and a session is stale. Default 45 minutes.</summary>
    public TimeSpan StaleAfter { get; init; } = DefaultStaleAfter;

    /// <summary>Briefing character budget when SOD names none. Default 12,000.</summary>
    public int DefaultBudgetChars { get; init; } = 12_000;

    /// <summary>Most characters the enterprise-notes section may take of the briefing. Default 12,000.</summary>
    public int NotesBudgetChars { get; init; } = 12_000;

    /// <summary>Largest canonical handoff payload accepted, in bytes. Default 800 KB (819,200 bytes).</summary>
    public int MaxPayloadBytes { get; init; } = 800 * 1024;

    /// <summary>How the briefing header names where the answer came from (a URL, or "local: &lt;path&gt;").</summary>
    public string ServerLabel { get; init; } = "local";

    /// <summary>A copy naming another <see cref="ServerLabel"/>.</summary>
    public CoreOptions WithServerLabel(string label) => new()
    {
        StaleAfter = StaleAfter,
        DefaultBudgetChars = DefaultBudgetChars,
        NotesBudgetChars = NotesBudgetChars,
        MaxPayloadBytes = MaxPayloadBytes,
        ServerLabel = label,
    };
}

/// <summary>
/// What every core service needs besides its store ports: the clock, randomness, ids and options. Built once per
/// process by the composition root (Baton.Hosting's AddBaton); services take the narrow store ports they use.
/// </summary>
public sealed record BatonCore(TimeProvider Clock, Random Random, IdGenerator Ids, CoreOptions Options)
{
    /// <summary>Now, truncated to milliseconds so stored and wire timestamps agree exactly.</summary>
    public DateTimeOffset Now() => Timestamp.TruncateToMilliseconds(Clock.GetUtcNow());
}
