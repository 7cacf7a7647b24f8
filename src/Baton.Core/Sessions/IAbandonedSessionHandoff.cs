using Baton.Core.Handoffs;

namespace Baton.Core.Sessions;

/// <summary>
/// What SOD does for the session it just found abandoned (stale without EOD): a handoff synthesized from that
/// session's hook events plus the repo's git state the front end read (docs/architecture.md §15). A port here because
/// the events are the activity feature's, and activity depends on sessions; the composition root hands the activity
/// feature's <c>HandoffDrafter</c> in.
/// </summary>
internal interface IAbandonedSessionHandoff
{
    /// <summary>The synthesized handoff as stored (once per abandoned session), or null when its agent wrote one in it.</summary>
    Task<Handoff?> SynthesizeAsync(string abandonedSessionId, RepoGitState? git, CancellationToken ct);
}
