// TEMPORARY: bodies being written in this session; replaced file by file.
using Baton.Core.Domain;
namespace Baton.Core.Services;
public sealed partial class SessionService
{
    public Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct) => throw new NotImplementedException();
    public Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct) => throw new NotImplementedException();
    public Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct) => throw new NotImplementedException();
    public Task<EodResponse> EodAsync(EodRequest request, CancellationToken ct) => throw new NotImplementedException();
    public Task<Session> GetSessionAsync(string sessionId, CancellationToken ct) => throw new NotImplementedException();
    public Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct) => throw new NotImplementedException();
}
public sealed partial class HandoffService
{
    public Task<HandoffReceipt> CreateHandoffAsync(CreateHandoffRequest request, CancellationToken ct) => throw new NotImplementedException();
    public Task<Page<Handoff>> ListHandoffsAsync(HandoffListRequest request, CancellationToken ct) => throw new NotImplementedException();
}
public sealed partial class VentureService
{
    public Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) => throw new NotImplementedException();
    public Task<Venture> GetVentureAsync(string code, CancellationToken ct) => throw new NotImplementedException();
    public Task<Venture> PutVentureAsync(string code, PutVentureRequest request, CancellationToken ct) => throw new NotImplementedException();
}
public sealed partial class KeyService
{
    public Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct) => throw new NotImplementedException();
    public Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct) => throw new NotImplementedException();
    public Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken ct) => throw new NotImplementedException();
}
