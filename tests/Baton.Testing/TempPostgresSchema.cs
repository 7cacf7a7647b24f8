using Npgsql;

namespace Baton.Testing;

/// <summary>
/// A schema of its own on the PostgreSQL server named by <c>BATON_TEST_PG</c>, for a test that starts servers on
/// one database (replicas): <see cref="Url"/> is the server's connection string with the schema as its search path.
/// Dropped, with everything in it, on dispose. Use only in a test its project's PostgreSQL fact attribute guards (they
/// skip, with the reason, where <c>BATON_TEST_PG</c> is not set).
/// </summary>
public sealed class TempPostgresSchema : IAsyncDisposable
{
    public const string ServerVariable = "BATON_TEST_PG";

    private TempPostgresSchema(string name, string url)
    {
        Name = name;
        Url = url;
    }

    public string Name { get; }

    public string Url { get; }

    /// <summary>The server's connection string; null where <c>BATON_TEST_PG</c> is not set.</summary>
    public static string? ServerOrNull => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } url ? url : null;

    /// <param name="prefix">Names the test's area in the schema's name (<c>feed_…</c>), for whoever looks at the server.</param>
    public static async Task<TempPostgresSchema> CreateAsync(string prefix)
    {
        var server = ServerOrNull ?? throw new InvalidOperationException($"{ServerVariable} is not set: guard the test with its PostgreSQL fact attribute.");
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..16]}";
        await ExecuteAsync(server, $"CREATE SCHEMA {name}");
        return new TempPostgresSchema(name, new NpgsqlConnectionStringBuilder(server) { SearchPath = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(ServerOrNull!, $"DROP SCHEMA IF EXISTS {Name} CASCADE");

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(TestTimeouts.Token());
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestTimeouts.Token());
    }
}
