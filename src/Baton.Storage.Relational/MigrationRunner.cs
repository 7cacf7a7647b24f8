using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Storage.Relational;

/// <summary>One numbered SQL file embedded in a store's assembly (<c>Migrations/0001_initial.sql</c>, …).</summary>
internal sealed record Migration(int Version, string Name, string Sql, string Checksum);

/// <summary>
/// Loads a store's embedded migrations and applies those not yet recorded in <c>schema_migrations</c>. The store
/// owns the transaction and whatever makes concurrent starts take turns (SQLite's <c>BEGIN IMMEDIATE</c>, a PostgreSQL
/// advisory lock), so every migration and its record commit together or not at all; this only decides and runs.
/// </summary>
internal static partial class MigrationRunner
{
    [GeneratedRegex(@"Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    /// <summary>Every migration embedded in <paramref name="assembly"/>, in version order.</summary>
    /// <exception cref="InvalidOperationException">Two share a version, or one cannot be read.</exception>
    public static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success) continue;

            var sql = ReadResource(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value, sql, checksum));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two migrations share version {duplicate.Key:D4}.");
        return migrations;
    }

    /// <summary>
    /// Within <paramref name="transaction"/>: creates <c>schema_migrations</c> with <paramref name="createTableSql"/>
    /// (the dialect's <c>CREATE TABLE IF NOT EXISTS</c>, columns version, name, applied_at, checksum), checks every
    /// recorded migration against its file, then runs and records each pending one. Returns the versions applied now
    /// (empty when the schema was current). The caller commits.
    /// </summary>
    /// <exception cref="InvalidOperationException">A recorded migration's file changed since it was applied.</exception>
    public static async Task<IReadOnlyList<int>> ApplyAsync<TDialect>(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<Migration> migrations, string createTableSql, DateTimeOffset now, CancellationToken ct)
        where TDialect : ISqlDialect
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        await ExecuteAsync<TDialect>(connection, transaction, createTableSql, [], ct).ConfigureAwait(false);

        var recorded = new Dictionary<int, string>();
        await using (var command = Command<TDialect>(connection, transaction, "SELECT version, checksum FROM schema_migrations", []))
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) recorded[reader.GetInt32(0)] = reader.GetString(1);
        }

        var insert = "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES " +
            $"({TDialect.Parameter("v")}, {TDialect.Parameter("n")}, {TDialect.Parameter("at")}, {TDialect.Parameter("c")})";
        var applied = new List<int>();
        foreach (var migration in migrations)
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

            await ExecuteAsync<TDialect>(connection, transaction, migration.Sql, [], ct).ConfigureAwait(false);
            await ExecuteAsync<TDialect>(connection, transaction, insert,
                [("v", migration.Version), ("n", migration.Name), ("at", now.ToUnixTimeMilliseconds()), ("c", migration.Checksum)],
                ct).ConfigureAwait(false);
            applied.Add(migration.Version);
        }
        return applied;
    }

    private static async Task ExecuteAsync<TDialect>(DbConnection connection, DbTransaction transaction, string sql,
        (string Name, object Value)[] args, CancellationToken ct) where TDialect : ISqlDialect
    {
        await using var command = Command<TDialect>(connection, transaction, sql, args);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static DbCommand Command<TDialect>(DbConnection connection, DbTransaction transaction, string sql,
        (string Name, object Value)[] args) where TDialect : ISqlDialect
    {
        var command = connection.CreateCommand();
        // Microsoft.Data.Sqlite refuses a command on a connection with a pending transaction unless it names it.
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = TDialect.BindName(name);
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
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
