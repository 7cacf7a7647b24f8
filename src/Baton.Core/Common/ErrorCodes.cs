
namespace Baton.Core.Common;

/// <summary>
/// The stable error codes of docs/architecture.md §7, with the HTTP status and title each maps to. One table, so the server,
/// the client and the CLI agree on what a code means.
/// </summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string MalformedJson = "malformed_json";
    public const string UnknownField = "unknown_field";
    public const string InvalidCursor = "invalid_cursor";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string VentureNotFound = "venture_not_found";
    public const string SessionNotFound = "session_not_found";
    public const string SessionNotActive = "session_not_active";
    public const string SessionAlreadyEnded = "session_already_ended";
    public const string KeyNotFound = "key_not_found";
    public const string NoteNotFound = "note_not_found";
    public const string DocNotFound = "doc_not_found";
    public const string RequirementNotFound = "requirement_not_found";
    public const string MachineNotFound = "machine_not_found";
    public const string AlertNotFound = "alert_not_found";
    public const string CadenceNotFound = "cadence_not_found";
    public const string AgentNotFound = "agent_not_found";
    public const string TaskNotFound = "task_not_found";
    public const string LeaseLost = "lease_lost";
    public const string TaskStateConflict = "task_state_conflict";
    public const string ClaimConflict = "claim_conflict";
    public const string ClaimNotFound = "claim_not_found";
    public const string WorkflowNotFound = "workflow_not_found";
    public const string WorkflowStateConflict = "workflow_state_conflict";
    public const string SprintNotFound = "sprint_not_found";
    public const string GitHubFailed = "github_failed";
    public const string SecretDetected = "secret_detected";
    public const string PayloadTooLarge = "payload_too_large";
    public const string RequestTooLarge = "request_too_large";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyKeyInFlight = "idempotency_key_in_flight";
    public const string KeySecretLost = "key_secret_lost";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";
    public const string StorageFull = "storage_full";
    public const string StorageUnavailable = "storage_unavailable";
    public const string Internal = "internal_error";

    private static readonly Dictionary<string, (int Status, string Title)> Table = new()
    {
        [ValidationFailed] = (400, "The request is not valid"),
        [MalformedJson] = (400, "The request body is not valid JSON"),
        [UnknownField] = (400, "The request has a field this route does not know"),
        [InvalidCursor] = (400, "The cursor is not one this list gave out"),
        [Unauthorized] = (401, "A valid API key is required"),
        [Forbidden] = (403, "This key may not do that"),
        [NotFound] = (404, "Not found"),
        [MethodNotAllowed] = (405, "Method not allowed"),
        [UnsupportedMediaType] = (415, "The request body must be JSON"),
        [VentureNotFound] = (404, "Unknown venture"),
        [SessionNotFound] = (404, "Unknown session"),
        [KeyNotFound] = (404, "Unknown API key"),
        [NoteNotFound] = (404, "Unknown note"),
        [DocNotFound] = (404, "Unknown doc"),
        [RequirementNotFound] = (404, "Unknown doc requirement"),
        [MachineNotFound] = (404, "Unknown machine"),
        [AlertNotFound] = (404, "Unknown alert"),
        [CadenceNotFound] = (404, "Unknown cadence item"),
        [AgentNotFound] = (404, "Unknown agent"),
        [TaskNotFound] = (404, "Unknown task"),
        [SecretDetected] = (422, "The content looks like it contains a secret"),
        [SessionNotActive] = (409, "The session is no longer active"),
        [SessionAlreadyEnded] = (409, "The session already ended with another handoff"),
        [IdempotencyKeyInFlight] = (409, "A request with this Idempotency-Key is still running"),
        [KeySecretLost] = (409, "The key was created, but the answer carrying its secret was lost"),
        [LeaseLost] = (409, "This epoch no longer holds the task's lease"),
        [TaskStateConflict] = (409, "The task's state does not allow this"),
        [ClaimConflict] = (409, "Another live session holds a conflicting claim"),
        [ClaimNotFound] = (404, "Unknown claim"),
        [WorkflowNotFound] = (404, "Unknown workflow"),
        [WorkflowStateConflict] = (409, "The workflow's state does not allow this"),
        [SprintNotFound] = (404, "Unknown sprint"),
        [GitHubFailed] = (502, "GitHub (gh) failed"),
        [PayloadTooLarge] = (413, "The handoff payload is too large"),
        [RequestTooLarge] = (413, "The request body is too large"),
        [IdempotencyKeyReused] = (422, "This Idempotency-Key was used with a different request"),
        [RateLimited] = (429, "Too many requests"),
        [Internal] = (500, "Something went wrong on the server"),
        [Unavailable] = (503, "The service is not available"),
        [StorageUnavailable] = (503, "The store's storage is not available"),
        [StorageFull] = (507, "The store's disk is full"),
    };

    public static int StatusOf(string code) => Table.TryGetValue(code, out var entry) ? entry.Status : 400;

    public static string TitleOf(string code) => Table.TryGetValue(code, out var entry) ? entry.Title : "The request failed";

    /// <summary>Every known code, for documentation and tests.</summary>
    public static IEnumerable<string> All => Table.Keys;
}
