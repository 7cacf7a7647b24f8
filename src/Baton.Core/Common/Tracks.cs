namespace Baton.Core.Common;

/// <summary>
/// Tracks are parallel lines of work within one repo (part of the session tuple, and of where a handoff belongs).
/// Here, not in Sessions, because handoffs name tracks too and must not depend on the sessions feature.
/// </summary>
internal static class Tracks
{
    /// <summary>The track used when none is named.</summary>
    public const string Default = "main";
}
