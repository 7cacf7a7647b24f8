using System.Text.Json.Serialization;
using Baton.Core.Common;

namespace Baton.Core.Handoffs;

public enum HandoffStatus { Done, InProgress, Blocked }

/// <summary>
/// An append-only structured handoff. <see cref="Payload"/> is the RFC 8785 canonical JSON of every structured field
/// (summary, status, accomplished, in_progress, blocked, next_steps, success_criteria, to_agent, issue_number, payload);
/// <see cref="PayloadHash"/> is its SHA-256 (lowercase hex) and <see cref="PayloadSizeBytes"/> its UTF-8 size.
/// A cross-venture handoff is stored under the target <see cref="Venture"/> with <see cref="SourceVenture"/> set.
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
    string? CreationCorrelationId);
