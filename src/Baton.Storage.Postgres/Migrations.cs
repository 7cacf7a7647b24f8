using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>One numbered SQL file embedded in this assembly (<c>Migrations/0001_initial.sql</c>, …).</summary>
internal sealed record Migration(int Version, string Name, string Sql, string Checksum);

/// <summary>
/// Applies the embedded migrations not yet recorded in <c>schema_migrations</c>, in one transaction, while holding a
/// session-level advisory lock: replicas starting together queue on the lock, and each finds what the first applied
/// already recorded. DDL is transactional in PostgreSQL, so a failed start leaves the schema as it was.
/// </summary>
internal static partial class Migrations
{
    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    public static IReadOnlyList<Migration> Embedded { get; } = Load();

    /// <summary>Applies what is pending; returns the versions applied now (empty when the schema was current).</summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlConnection connection, long lockKey, DateTimeOffset now, CancellationToken ct)
    {
        var plain = new Db(connection, null);
        await plain.ExecuteAsync("SELECT pg_advisory_lock(@key)", ct, ("key", lockKey)).ConfigureAwait(false);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var db = new Db(connection, transaction);
            await db.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  bigint NOT NULL,
                    checksum    text NOT NULL
                )
                """, ct).ConfigureAwait(false);
            var recorded = (await db.ListAsync("SELECT version, checksum FROM schema_migrations",
                    r => (Version: r.GetInt32(0), Checksum: r.GetString(1)), ct).ConfigureAwait(false))
                .ToDictionary(m => m.Version, m => m.Checksum);

            var applied = new List<int>();
            foreach (var migration in Embedded)
            {
                if (recorded.TryGetValue(migration.Version, out var checksum))
                {
                    if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                        throw new InvalidOperationException(
                            $"Migration {migration.Version:D4}_{migration.Name} differs from the one applied to this database " +
                            "(checksum mismatch). Restore the original file and add a new migration instead.");
                    continue;
                }

                await db.ExecuteAsync(migration.Sql, ct).ConfigureAwait(false);
                await db.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (@v, @n, @at, @c)", ct,
                    ("v", migration.Version), ("n", migration.Name), ("at", now.ToUnixTimeMilliseconds()), ("c", migration.Checksum)).ConfigureAwait(false);
                applied.Add(migration.Version);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return applied;
        }
        finally
        {
            // CancellationToken.None: the lock must be released even when the start was cancelled.
            await plain.ExecuteAsync("SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", lockKey)).ConfigureAwait(false);
        }
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(Migrations).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success) continue;
            var sql = ReadResource(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two migrations share version {duplicate.Key:D4}.");
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration {name} cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
