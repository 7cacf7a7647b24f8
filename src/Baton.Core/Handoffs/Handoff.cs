using System.Text.Json.Serialization;
using Baton.Core.Common;

namespace Baton.Core.Handoffs;

public enum HandoffStatus { Done, InProgress, Blocked }

/// <summary>
/// An append-only structured handoff. <see cref="Payload"/> is the RFC 8785 canonical JSON of every structured field
/// (summary, status, accomplished, in_progress, blocked, next_steps, success_criteria, to_agent, issue_number, payload);
/// <see cref="PayloadHash"/> is its SHA-256 (lowercase hex) and <see cref="PayloadSizeBytes"/> its UTF-8 size.
/// A cross-venture handoff is stored under the target <see cref="Venture"/> with <see cref="SourceVenture"/> set.
/// <see cref="DraftedBy"/> is null for a handoff an agent wrote, and says what made Baton draft it otherwise
/// (docs/architecture.md §15): <c>compaction</c> or <c>session_end</c> (from the session's hook events) or
/// <c>abandoned</c> (synthesized at the next SOD); <see cref="DraftedFrom"/> is its trigger (the hook event's id, or
/// <c>abandoned</c>), one draft per (session, trigger).
/// </summary>
public sealed record Handoff(
    string Id,
    string? SessionId,
    string Venture,
    string Repo,
    string Track,
    int? IssueNumber,
    string FromAgent,
    string? ToAgent,
    HandoffStatus Status,
    string Summary,
    [property: JsonConverter(typeof(RawJsonStringConverter))] string Payload,
    string PayloadHash,
    int PayloadSizeBytes,
    string? SourceVenture,
    DateTimeOffset CreatedAt,
    string? ActorKeyId,
    string? CreationCorrelationId,
    HandoffDraft? DraftedBy = null,
    string? DraftedFrom = null);

/// <summary>What made Baton draft a handoff (<see cref="Handoff.DraftedBy"/>).</summary>
public enum HandoffDraft { Compaction, SessionEnd, Abandoned }
