using System.Data;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>One numbered SQL file embedded in this assembly (<c>Migrations/0001_initial.sql</c>, …).</summary>
internal sealed record Migration(int Version, string Name, string Sql, string Checksum);

/// <summary>
/// Applies the embedded migrations that are not yet recorded in <c>schema_migrations</c>, all in one
/// <c>BEGIN IMMEDIATE</c> transaction: a failed start leaves the schema as it was, and two processes opening a fresh
/// file at once apply each migration once (the second waits for the lock, then finds them recorded).
/// </summary>
internal static partial class Migrations
{
    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    /// <summary>Every embedded migration, in version order.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = Load();

    /// <summary>Applies what is pending; returns the versions applied now (empty when the schema was current).</summary>
    public static IReadOnlyList<int> Apply(SqliteConnection connection, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        var db = new Db(connection, transaction);
        db.Execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  INTEGER NOT NULL,
                checksum    TEXT NOT NULL
            ) STRICT
            """);
        var recorded = db.List("SELECT version, checksum FROM schema_migrations",
                r => (Version: r.GetInt32(0), Checksum: r.GetString(1)))
            .ToDictionary(m => m.Version, m => m.Checksum);

        var applied = new List<int>();
        foreach (var migration in Embedded)
        {
            if (recorded.TryGetValue(migration.Version, out var checksum))
            {
                // A released migration must never change: the databases that ran the old text would silently differ.
                if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                    throw new InvalidOperationException(
                        $"Migration {migration.Version:D4}_{migration.Name} differs from the one applied to this database " +
                        "(checksum mismatch). Restore the original file and add a new migration instead.");
                continue;
            }

            db.Execute(migration.Sql);
            db.Execute("INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($v, $n, $at, $c)",
                ("$v", migration.Version), ("$n", migration.Name), ("$at", Rows.Ms(now)), ("$c", migration.Checksum));
            applied.Add(migration.Version);
        }

        transaction.Commit();
        return applied;
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
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key:D4}.");
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration {name} cannot be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // Line endings are normalised so a checkout with CRLF yields the same checksum as one with LF.
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
