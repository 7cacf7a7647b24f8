using Baton.Core.Common;


namespace Baton.Core.Fleet;

// Requests and answers of the fleet (issue 5): machines registering themselves and their heartbeats.

/// <summary>A machine registering itself; <see cref="Hostname"/> is the identity (idempotent on it).</summary>
public sealed record RegisterMachineRequest(
    string? Hostname,
    string? Os = null,
    string? Arch = null,
    string? Address = null,
    string? SshPublicKey = null,
    string? SshUser = null);

/// <summary>A machine as the API shows it: the stored fields plus how long ago it was last seen, judged when read.</summary>
public sealed record MachineInfo(
    string Id,
    string Hostname,
    string? Os,
    string? Arch,
    string? Address,
    string? SshPublicKey,
    string? SshUser,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeenAt,
    long LastSeenAgeSeconds)
{
    public static MachineInfo From(Machine m, DateTimeOffset now) => new(
        m.Id, m.Hostname, m.Os, m.Arch, m.Address, m.SshPublicKey, m.SshUser, m.RegisteredAt, m.LastSeenAt,
        Math.Max(0, (long)(now - m.LastSeenAt).TotalSeconds));
}

/// <summary>What a registration did: <see cref="Created"/> is false when the hostname was already known (then it was updated).</summary>
public sealed record MachineRegistration(MachineInfo Machine, bool Created);

public sealed record MachineListRequest(int? Limit = null, string? Cursor = null);

public interface IMachineService
{
    /// <summary>Registers the machine or updates the one with the same hostname; counts as a heartbeat.</summary>
    Task<MachineRegistration> RegisterMachineAsync(RegisterMachineRequest request, CancellationToken ct);
    Task<MachineInfo> HeartbeatMachineAsync(string id, CancellationToken ct);
    Task<MachineInfo> GetMachineAsync(string id, CancellationToken ct);
    /// <summary>Newest-registered first, with the exact total.</summary>
    Task<Page<MachineInfo>> ListMachinesAsync(MachineListRequest request, CancellationToken ct);
}
