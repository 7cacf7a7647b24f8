using Baton.Storage.Relational;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// Applies the embedded migrations not yet recorded in <c>schema_migrations</c>, in one transaction, while holding a
/// session-level advisory lock: replicas starting together queue on the lock, and each finds what the first applied
/// already recorded. DDL is transactional in PostgreSQL, so a failed start leaves the schema as it was.
/// </summary>
internal static class Migrations
{
    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     integer PRIMARY KEY,
            name        text NOT NULL,
            applied_at  bigint NOT NULL,
            checksum    text NOT NULL
        )
        """;

    public static IReadOnlyList<Migration> Embedded { get; } = MigrationRunner.Load(typeof(Migrations).Assembly);

    /// <summary>Applies what is pending; returns the versions applied now (empty when the schema was current).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlConnection connection, long lockKey, DateTimeOffset now, CancellationToken ct)
    {
        var plain = new Db(connection, null);
        await plain.ExecuteAsync("SELECT pg_advisory_lock(@key)", ct, ("key", lockKey)).ConfigureAwait(false);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var applied = await MigrationRunner.ApplyAsync<PostgresDialect>(connection, transaction, Embedded, CreateTable, now, ct)
                .ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return applied;
        }
        finally
        {
            // CancellationToken.None: the lock must be released even when the start was cancelled.
            await plain.ExecuteAsync("SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", lockKey)).ConfigureAwait(false);
        }
    }
}
