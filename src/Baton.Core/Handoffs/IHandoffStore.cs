using Baton.Core.Common;


namespace Baton.Core.Handoffs;

/// <summary>Handoffs as stored: append-only, listed newest first with exact totals.</summary>
public interface IHandoffStore
{
    /// <summary>Stores the handoff and returns it as stored. Under an Idempotency-Key whose earlier attempt already stored it, returns that one (docs/architecture.md §7).</summary>
    Task<Handoff> InsertHandoffAsync(Handoff handoff, CancellationToken ct);
    Task<Handoff?> FindHandoffOrNullAsync(string id, CancellationToken ct);
    /// <summary>
    /// Stores a handoff Baton drafted (<see cref="Handoff.DraftedBy"/> and <see cref="Handoff.DraftedFrom"/> set, a
    /// session id given) in one statement: nothing when the session already has a handoff its agent wrote (null is
    /// returned: Baton never stands in for the agent's own), and once per (session, trigger) — a repeat returns the
    /// draft stored first.
    /// </summary>
    Task<Handoff?> InsertDraftHandoffAsync(Handoff draft, CancellationToken ct);
    /// <summary>Newest first, exact total. <see cref="HandoffQuery.Origin"/> picks own or addressed handoffs.</summary>
    Task<Page<Handoff>> ListHandoffsAsync(HandoffQuery query, CancellationToken ct);
    /// <summary>
    /// Whether a session with this id was ever stored (any status). A handoff may name the session it came from; the
    /// handoff feature asks only this, so it does not depend on the sessions feature (which depends on it for EOD).
    /// </summary>
    Task<bool> SessionExistsAsync(string sessionId, CancellationToken ct);
}

/// <summary>Which handoffs of a venture a query means.</summary>
public enum HandoffOrigin
{
    /// <summary>Every handoff stored under the venture.</summary>
    Any,
    /// <summary>Handoffs written within the venture (<c>source_venture</c> is null): the "last handoff" of a track.</summary>
    Own,
    /// <summary>Cross-venture handoffs other ventures addressed to this one (<c>source_venture</c> set).</summary>
    Addressed,
}

public sealed record HandoffQuery(
    string? Venture,
    string? Repo,
    string? Track,
    int? IssueNumber,
    PageRequest Page,
    HandoffOrigin Origin = HandoffOrigin.Any);
