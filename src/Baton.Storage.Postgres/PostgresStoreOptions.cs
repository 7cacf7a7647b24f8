using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>How to reach the PostgreSQL store. Plain settings with documented defaults; <see cref="Validate"/> lists every problem.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=db;Port=5432;Database=baton;Username=baton;Password=…</c>) or a
    /// <c>postgres://user:password@host:port/database</c> URL. Required.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>Connections each replica may hold. Default 50; keep replicas × this under the server's max_connections.</summary>
    public int MaxPoolSize { get; init; } = 50;

    /// <summary>
    /// Heartbeat batches one replica may have in flight at once, each on its own connection (see HeartbeatWriter).
    /// Default 4: enough to keep the database busy while earlier batches wait for their WAL flush. 1 = one at a time.
    /// </summary>
    public int HeartbeatBatchesInFlight { get; init; } = 4;

    /// <summary>Every problem with these options, each saying what is allowed; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
            problems.Add("ConnectionString: required (e.g. Host=127.0.0.1;Port=5432;Database=baton;Username=baton;Password=… or postgres://user:pass@host/db).");
        else
        {
            try
            {
                _ = ConnectionStrings.Normalize(ConnectionString);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"ConnectionString: '{ConnectionStrings.Mask(ConnectionString)}' is not a connection string Npgsql accepts ({ex.Message}).");
            }
        }
        if (MaxPoolSize is < 2 or > 1000)
            problems.Add($"MaxPoolSize: {MaxPoolSize} is outside 2 to 1000.");
        if (HeartbeatBatchesInFlight < 1 || HeartbeatBatchesInFlight >= MaxPoolSize)
            problems.Add($"HeartbeatBatchesInFlight: {HeartbeatBatchesInFlight} must be at least 1 and less than MaxPoolSize ({MaxPoolSize}).");
        return problems;
    }
}

/// <summary>Connection-string helpers: URL form accepted, and the password never shown.</summary>
public static class ConnectionStrings
{
    /// <summary>
    /// The Npgsql form of <paramref name="value"/>: a <c>postgres://</c> or <c>postgresql://</c> URL is converted, a
    /// key=value string is parsed (and so checked).
    /// </summary>
    /// <exception cref="ArgumentException">Not a connection string Npgsql understands.</exception>
    public static NpgsqlConnectionStringBuilder Normalize(string value)
    {
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) throw new ArgumentException("the URL cannot be parsed");
            var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
            if (uri.Port > 0) builder.Port = uri.Port;
            var database = uri.AbsolutePath.Trim('/');
            if (database.Length > 0) builder.Database = Uri.UnescapeDataString(database);
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
            if (userInfo.Length > 1) builder.Password = Uri.UnescapeDataString(userInfo[1]);
            return builder;
        }
        return new NpgsqlConnectionStringBuilder(value);
    }

    /// <summary>The connection string with any password replaced by <c>***</c>: safe for errors and logs.</summary>
    public static string Mask(string value)
    {
        try
        {
            var builder = Normalize(value);
            if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            // Unparseable: show nothing of it rather than risk echoing a password.
            return "(unreadable connection string)";
        }
    }
}
