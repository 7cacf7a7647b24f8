using Baton.Core.Domain;

namespace Baton.Core.Services;

// The operations every front end offers. Local mode implements them in-process over the store (this assembly);
// server mode implements them over HTTP (Baton.Client). One contract suite runs against both. Failures a caller can
// act on are thrown as Errors.BatonException with a stable code.

public interface ISessionService
{
    /// <summary>Start of day: resume-or-create the session and build the briefing (DESIGN.md §4, §6).</summary>
    Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct);
    Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct);
    /// <summary>Changes branch, commit, issue or meta; counts as a heartbeat.</summary>
    Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct);
    /// <summary>End of day: end the session with a handoff. Repeating it changes nothing and answers the same.</summary>
    Task<EodResponse> EodAsync(EodRequest request, CancellationToken ct);
    Task<Session> GetSessionAsync(string sessionId, CancellationToken ct);
    Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct);
}

public interface IHandoffService
{
    Task<HandoffReceipt> CreateHandoffAsync(CreateHandoffRequest request, CancellationToken ct);
    Task<Page<Handoff>> ListHandoffsAsync(HandoffListRequest request, CancellationToken ct);
}

public interface IVentureService
{
    Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct);
    Task<Venture> GetVentureAsync(string code, CancellationToken ct);
    /// <summary>Creates or replaces a venture (admin).</summary>
    Task<Venture> PutVentureAsync(string code, PutVentureRequest request, CancellationToken ct);
}

public interface IKeyService
{
    Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct);
    Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct);
    Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken ct);
}
