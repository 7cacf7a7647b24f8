using System.Data;
using Baton.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Applies the embedded migrations that are not yet recorded in <c>schema_migrations</c>, all in one
/// <c>BEGIN IMMEDIATE</c> transaction: a failed start leaves the schema as it was, and two processes opening a fresh
/// file at once apply each migration once (the second waits for the lock, then finds them recorded).
/// </summary>
internal static class Migrations
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            applied_at  INTEGER NOT NULL,
            checksum    TEXT NOT NULL
        ) STRICT
        """;

    /// <summary>Every embedded migration, in version order.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = MigrationRunner.Load(typeof(Migrations).Assembly);

    /// <summary>Applies what is pending; returns the versions applied now (empty when the schema was current).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(SqliteConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        // Every start of every local-mode verb comes here: when the schema is current (the usual case) a plain read says
        // so, and the write lock is not taken. Anything else — a fresh file, a pending or changed migration — goes the
        // locked way below, which decides again under the lock.
        if (IsCurrent(connection)) return [];
        // deferred: false is BEGIN IMMEDIATE: the write lock is taken before anything is read.
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var applied = await MigrationRunner.ApplyAsync<SqliteDialect>(connection, transaction, Embedded, CreateTable, now, ct)
            .ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return applied;
    }

    /// <summary>Whether every embedded migration is recorded with its checksum, read without a transaction of our own.</summary>
    private static bool IsCurrent(SqliteConnection connection)
    {
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0) return false;

        var recorded = new Dictionary<int, string>();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT version, checksum FROM schema_migrations";
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read()) recorded[reader.GetInt32(0)] = reader.GetString(1);
        }
        return Embedded.All(m => recorded.TryGetValue(m.Version, out var checksum) && string.Equals(checksum, m.Checksum, StringComparison.Ordinal));
    }

    /// <summary>
    /// <see cref="ApplyAsync"/> for callers that cannot await. Microsoft.Data.Sqlite has no asynchronous I/O: its
    /// asynchronous methods finish before they return, so this never blocks on anything but SQLite itself.
    /// </summary>
    public static IReadOnlyList<int> Apply(SqliteConnection connection, DateTimeOffset now) =>
        ApplyAsync(connection, now, CancellationToken.None).GetAwaiter().GetResult();
}
