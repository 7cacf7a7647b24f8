using Baton.Core.Changes;

namespace Baton.Storage.Postgres;

/// <summary>
/// The change log on PostgreSQL (migration 0015): rows written by triggers, and <c>LISTEN baton_changes</c> on a
/// connection of its own (<see cref="NotificationListener"/>), which every replica's triggers notify at commit.
/// </summary>
public sealed partial class PostgresBatonStore
{
    public Task<IReadOnlyList<Change>> ReadChangesAsync(long afterSeq, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return RunAsync<IReadOnlyList<Change>>(async db =>
            await db.ListAsync(ChangeRows.ReadSql, ChangeRows.Change, ct, ChangeRows.ReadArgs(afterSeq, limit)).ConfigureAwait(false), ct);
    }

    public Task<long> LatestChangeSeqAsync(CancellationToken ct) =>
        RunAsync(db => db.ScalarAsync(ChangeRows.LatestSql, ct), ct);

    public Task<int> PurgeChangesAsync(DateTimeOffset before, CancellationToken ct) =>
        RunAsync(db => db.ExecuteAsync(ChangeRows.PurgeSql, ct, ChangeRows.BeforeArg(before)), ct);

    public async Task<IAsyncDisposable> ListenForChangesAsync(Action onChanged, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        EnsureUsable();
        try
        {
            return await NotificationListener.StartAsync(new Npgsql.NpgsqlConnectionStringBuilder(_connectionString),
                NotificationListener.ChangesChannel, _ => onChanged(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgresFailures.Translate(ex, _location) is { } failure)
        {
            throw failure;
        }
    }
}
