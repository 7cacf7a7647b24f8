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
        // deferred: false is BEGIN IMMEDIATE: the write lock is taken before anything is read.
        await using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var applied = await MigrationRunner.ApplyAsync<SqliteDialect>(connection, transaction, Embedded, CreateTable, now, ct)
            .ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return applied;
    }

    /// <summary>
    /// <see cref="ApplyAsync"/> for callers that cannot await. Microsoft.Data.Sqlite has no asynchronous I/O: its
    /// asynchronous methods finish before they return, so this never blocks on anything but SQLite itself.
    /// </summary>
    public static IReadOnlyList<int> Apply(SqliteConnection connection, DateTimeOffset now) =>
        ApplyAsync(connection, now, CancellationToken.None).GetAwaiter().GetResult();
}
