using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>BATON_TEST_PG</c> (an Npgsql connection string). Each test gets a
/// schema of its own (created here, dropped at the end) and a store whose search_path points at it: a fresh, empty
/// database per test at the cost of one CREATE SCHEMA and the migrations.
/// </summary>
internal static class TestDatabase
{
    public const string Variable = "BATON_TEST_PG";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string SkipReason =>
        $"{Variable} is not set: these tests need a PostgreSQL server (e.g. {Variable}='Host=127.0.0.1;Port=55432;Username=postgres'). " +
        ".ci/run starts one and sets it.";

    /// <summary>A new empty schema; returns the connection string that uses it.</summary>
    public static async Task<(string Schema, string ConnectionString)> CreateSchemaAsync(CancellationToken ct)
    {
        var root = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(root))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        var builder = new NpgsqlConnectionStringBuilder(root) { SearchPath = schema };
        return (schema, builder.ConnectionString);
    }

    /// <summary>A store on a new empty schema, migrations applied. Drop the schema with <see cref="DropSchemaAsync"/> after disposing it.</summary>
    public static async Task<(PostgresBatonStore Store, string Schema)> OpenStoreAsync(CancellationToken ct)
    {
        var (schema, connectionString) = await CreateSchemaAsync(ct);
        var store = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        await store.InitializeAsync(ct);
        return (store, schema);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
