using Baton.Core.Common;
using Baton.Core.Fleet;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<MachineUpsert> UpsertMachineAsync(Machine candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return WriteAsync(db =>
        {
            // The writer runs one group at a time, so the existence check and the write cannot interleave with another
            // registration of the same hostname; the unique index backs that up.
            var existed = db.Scalar("SELECT EXISTS (SELECT 1 FROM machines WHERE hostname = $hostname)", ("$hostname", candidate.Hostname)) != 0;
            db.Execute($"""
                INSERT INTO machines ({Rows.MachineColumns}) VALUES ({Rows.MachineValues})
                ON CONFLICT (hostname) DO UPDATE SET
                    os = coalesce(excluded.os, os),
                    arch = coalesce(excluded.arch, arch),
                    address = coalesce(excluded.address, address),
                    ssh_public_key = coalesce(excluded.ssh_public_key, ssh_public_key),
                    ssh_user = coalesce(excluded.ssh_user, ssh_user),
                    last_seen_at = max(excluded.last_seen_at, last_seen_at),
                    actor_key_id = excluded.actor_key_id
                """, Rows.MachineArgs(candidate));
            var stored = db.FirstOrDefault($"SELECT {Rows.MachineColumns} FROM machines WHERE hostname = $hostname", Rows.Machine,
                ("$hostname", candidate.Hostname))!;
            return new MachineUpsert(stored, !existed);
        }, ct);
    }

    public Task<Machine?> FindMachineOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {Rows.MachineColumns} FROM machines WHERE id = $id", Rows.Machine, ("$id", id)), ct);

    public Task<Machine?> TouchMachineAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(db => db.FirstOrDefault($"""
            UPDATE machines SET last_seen_at = max(last_seen_at, $now) WHERE id = $id
            RETURNING {Rows.MachineColumns}
            """, Rows.Machine, ("$id", id), ("$now", Rows.Ms(now))), ct);

    public Task<Page<Machine>> ListMachinesAsync(PageRequest page, CancellationToken ct) =>
        ReadAsync(db => new Filter().Page(db, "machines", Rows.MachineColumns, Rows.Machine, page, IdGenerator.Machine, m => m.Id), ct);
}
