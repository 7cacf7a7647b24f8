namespace Baton.Core.Orchestration;

/// <summary>
/// A store shared by several replicas tells each of them about the assignments any of them commits, so a long poll
/// (<c>POST /v1/agents/{id}/next</c>) waiting on one replica wakes when another replica's dispatcher gives its agent a
/// task. Optional: a store only one server uses (SQLite) has no other replica to hear from and does not implement it.
/// </summary>
public interface IAssignmentFeed
{
    /// <summary>
    /// Starts listening and returns once listening: every assignment committed after that is reported to
    /// <paramref name="onAssigned"/> with the agent's id (from a background thread; it must not block). A lost
    /// connection is re-established; assignments made while it was down are not reported (the long polls still end on
    /// their own wait). Dispose the result to stop.
    /// </summary>
    Task<IAsyncDisposable> ListenForAssignmentsAsync(Action<string> onAssigned, CancellationToken ct);
}
