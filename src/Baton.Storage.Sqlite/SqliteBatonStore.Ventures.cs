using Baton.Core.Ventures;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ventures);
        return WriteAsync(db =>
        {
            foreach (var v in ventures)
            {
                db.Execute($"""
                    INSERT INTO ventures ({Rows.VentureColumns}) VALUES ({Rows.VentureValues})
                    ON CONFLICT (code) DO UPDATE SET
                        name = excluded.name, org = excluded.org, repos = excluded.repos,
                        capabilities = excluded.capabilities, secrets_path = excluded.secrets_path,
                        design_spec = excluded.design_spec, platform = excluded.platform, note_tags = excluded.note_tags,
                        daily_budget_usd = excluded.daily_budget_usd,
                        follow_ups = excluded.follow_ups,
                        workflow = excluded.workflow
                    """, Rows.VentureArgs(v));
            }
        }, ct);
    }

    public Task<Venture?> FindVentureOrNullAsync(string code, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {Rows.VentureColumns} FROM ventures WHERE code = $code", Rows.Venture,
            ("$code", code)), ct);

    public async Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) =>
        await ReadAsync(db => db.List($"SELECT {Rows.VentureColumns} FROM ventures ORDER BY code", Rows.Venture), ct)
            .ConfigureAwait(false);
}
