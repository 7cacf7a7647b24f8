using Baton.Core.Common;


namespace Baton.Core.Fleet;

/// <summary>
/// The fleet side of the storage port: the machines Baton knows. Every store implements it alongside
/// <c>IBatonStore</c> and passes <c>FleetStoreContractTests</c>. Times are passed in, never read from a clock.
/// </summary>
public interface IFleetStore
{
    /// <summary>
    /// Registers <paramref name="candidate"/>, keyed on its hostname (exact match; the service lowercases it). When
    /// the hostname is new the candidate is stored as is. When it exists, the stored machine keeps its id,
    /// <see cref="Machine.RegisteredAt"/> and any field the candidate leaves null; os, arch, address, ssh key and ssh
    /// user the candidate gives replace the stored ones, <see cref="Machine.ActorKeyId"/> becomes the candidate's, and
    /// <see cref="Machine.LastSeenAt"/> becomes the later of the two. Atomic: two racing registrations of one
    /// hostname leave one machine.
    /// </summary>
    Task<MachineUpsert> UpsertMachineAsync(Machine candidate, CancellationToken ct);

    Task<Machine?> FindMachineOrNullAsync(string id, CancellationToken ct);

    /// <summary>A heartbeat: <see cref="Machine.LastSeenAt"/> becomes <paramref name="now"/> unless it is already later. Null when no such machine.</summary>
    Task<Machine?> TouchMachineAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Machines newest-registered first (by id), keyset-paged, with the exact total.</summary>
    Task<Page<Machine>> ListMachinesAsync(PageRequest page, CancellationToken ct);
}

/// <summary>What <see cref="IFleetStore.UpsertMachineAsync"/> did: the machine as stored now, and whether it was new.</summary>
public sealed record MachineUpsert(Machine Machine, bool Created);
