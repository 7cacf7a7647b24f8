using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Handoffs;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

// The operations every front end offers. Local mode implements them in-process over the store (this assembly);
// server mode implements them over HTTP (Baton.Client). One contract suite runs against both. Failures a caller can
// act on are thrown as BatonException with a stable code.

/// <summary>The structured fields of a handoff, shared by EOD and <c>POST /v1/handoffs</c>.</summary>
public interface IHandoffFields
{
    string? Summary { get; }
    HandoffStatus? Status { get; }
    IReadOnlyList<string>? Accomplished { get; }
    IReadOnlyList<string>? InProgress { get; }
    IReadOnlyList<string>? Blocked { get; }
    IReadOnlyList<string>? NextSteps { get; }
    IReadOnlyList<string>? SuccessCriteria { get; }
    string? ToAgent { get; }
    int? IssueNumber { get; }
    JsonObject? Payload { get; }
}

/// <summary>
/// A handoff written without ending a session. <see cref="ToVenture"/> addresses it to another venture
/// (cross-venture work found in scope of <see cref="Venture"/>): it is then stored under the target venture and shows
/// in that venture's next briefing.
/// </summary>
public sealed record CreateHandoffRequest(
    string? Venture,
    string? Repo,
    string? FromAgent,
    string? Summary,
    HandoffStatus? Status,
    string? Track = null,
    string? SessionId = null,
    string? ToVenture = null,
    IReadOnlyList<string>? Accomplished = null,
    IReadOnlyList<string>? InProgress = null,
    IReadOnlyList<string>? Blocked = null,
    IReadOnlyList<string>? NextSteps = null,
    IReadOnlyList<string>? SuccessCriteria = null,
    string? ToAgent = null,
    int? IssueNumber = null,
    JsonObject? Payload = null) : IHandoffFields;

/// <summary>What a caller learns about a handoff it just wrote.</summary>
public sealed record HandoffReceipt(string Id, string Venture, string PayloadHash, int PayloadSizeBytes);

public sealed record HandoffListRequest(
    string? Venture = null,
    string? Repo = null,
    string? Track = null,
    int? IssueNumber = null,
    int? Limit = null,
    string? Cursor = null);

public interface IHandoffService
{
    Task<HandoffReceipt> CreateHandoffAsync(CreateHandoffRequest request, CancellationToken ct);
    Task<Page<Handoff>> ListHandoffsAsync(HandoffListRequest request, CancellationToken ct);
}
