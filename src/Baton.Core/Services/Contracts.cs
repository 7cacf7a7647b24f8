using System.Text.Json.Nodes;
using Baton.Core.Domain;
using Baton.Core.Rules;

namespace Baton.Core.Services;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

/// <summary>A list with its exact total (no paging), as the SOD answer carries them.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Items, long Total);

public sealed record SodRequest(
    string? Agent,
    string? Venture,
    string? Repo,
    string? Track = null,
    string? Cli = null,
    string? Host = null,
    string? Branch = null,
    string? CommitSha = null,
    int? IssueNumber = null,
    int? BudgetChars = null,
    DocsFormat? DocsFormat = null);

/// <summary>How SOD delivers docs: an index (default), whole contents (for agents that cannot call tools mid-session), or nothing.</summary>
public enum DocsFormat { Index, Full, None }

public sealed record SodResponse(
    Session Session,
    bool Resumed,
    HeartbeatPlan Heartbeat,
    Handoff? LastHandoff,
    ListResult<Handoff> AddressedHandoffs,
    ListResult<Session> ActiveSessions,
    string Briefing,
    ListResult<DocSummary>? Docs = null,
    Knowledge.DocAuditResult? DocAudit = null,
    ListResult<Note>? Notes = null);

public sealed record HeartbeatResponse(Session Session, HeartbeatPlan Heartbeat);

public sealed record UpdateSessionRequest(string? Branch = null, string? CommitSha = null, int? IssueNumber = null, JsonObject? Meta = null);

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

public sealed record EodRequest(
    string? SessionId,
    string? Summary,
    HandoffStatus? Status,
    IReadOnlyList<string>? Accomplished = null,
    IReadOnlyList<string>? InProgress = null,
    IReadOnlyList<string>? Blocked = null,
    IReadOnlyList<string>? NextSteps = null,
    IReadOnlyList<string>? SuccessCriteria = null,
    string? ToAgent = null,
    int? IssueNumber = null,
    JsonObject? Payload = null) : IHandoffFields;

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

public sealed record EodResponse(Session Session, HandoffReceipt Handoff);

public sealed record SessionListRequest(string? Venture = null, SessionStatus? Status = null, int? Limit = null, string? Cursor = null);

public sealed record HandoffListRequest(
    string? Venture = null,
    string? Repo = null,
    string? Track = null,
    int? IssueNumber = null,
    int? Limit = null,
    string? Cursor = null);

public sealed record PutVentureRequest(
    string? Name,
    string? Org,
    IReadOnlyList<string>? Repos = null,
    IReadOnlyList<string>? Capabilities = null,
    string? SecretsPath = null,
    string? DesignSpec = null,
    bool? Platform = null,
    IReadOnlyList<string>? NoteTags = null);

public sealed record CreateKeyRequest(KeyRole? Role, string? Name, string? Venture = null);

/// <summary>The answer to creating a key: the only time <see cref="Key"/> is ever shown.</summary>
public sealed record CreatedKey(string Id, string Key, string ActorKeyId, KeyRole Role, string Name, string? Venture);

/// <summary>A key as lists show it: never the key, never the hash.</summary>
public sealed record ApiKeyInfo(string Id, string Name, KeyRole Role, string? Venture, string ActorKeyId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyInfo From(ApiKey key) => new(key.Id, key.Name, key.Role, key.Venture, key.ActorKeyId, key.CreatedAt, key.RevokedAt);
}
