using Baton.Core.Common;
using Baton.Core.Fleet;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<MachineUpsert> UpsertMachineAsync(Machine candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        // One statement, atomic across replicas: the unique hostname index is the conflict target, and xmax = 0 on the
        // returned row tells an insert from an update (an updated row carries the updating transaction's id there).
        return WriteAsync(async db =>
        {
            var row = await db.FirstOrDefaultAsync($"""
                INSERT INTO machines AS m ({Rows.MachineColumns}) VALUES ({Rows.MachineValues})
                ON CONFLICT (hostname) DO UPDATE SET
                    os = coalesce(excluded.os, m.os),
                    arch = coalesce(excluded.arch, m.arch),
                    address = coalesce(excluded.address, m.address),
                    ssh_public_key = coalesce(excluded.ssh_public_key, m.ssh_public_key),
                    ssh_user = coalesce(excluded.ssh_user, m.ssh_user),
                    last_seen_at = greatest(excluded.last_seen_at, m.last_seen_at),
                    actor_key_id = excluded.actor_key_id
                RETURNING {Rows.MachineColumns}, (xmax = 0) AS created
                """, r => new MachineUpsert(Rows.Machine(r), r.GetBoolean(r.GetOrdinal("created"))), ct,
                Rows.MachineArgs(candidate)).ConfigureAwait(false);
            return row!;
        }, ct);
    }

    public Task<Machine?> FindMachineOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.MachineColumns} FROM machines WHERE id = @id", Rows.Machine, ct, ("id", id)), ct);

    public Task<Machine?> TouchMachineAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefaultAsync($"""
            UPDATE machines SET last_seen_at = greatest(last_seen_at, @now) WHERE id = @id
            RETURNING {Rows.MachineColumns}
            """, Rows.Machine, ct, ("id", id), ("now", Rows.Ms(now))), ct);

    public Task<Page<Machine>> ListMachinesAsync(PageRequest page, CancellationToken ct) =>
        RunAsync(db => new Filter().PageAsync(db, "machines", Rows.MachineColumns, Rows.Machine, page, IdGenerator.Machine, m => m.Id, ct), ct);
}
