using Baton.Storage.Postgres;
using Baton.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Hosting;

/// <summary>
/// Which store a process uses, from configuration (<c>BATON_STORE</c>, <c>BATON_STORE_URL</c>, the data directory).
/// The one place a store is chosen by name: each store then registers itself.
/// </summary>
public sealed class StoreOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default: a file in <see cref="DataDir"/>) or <c>postgres</c> (<see cref="Url"/>; several replicas may share it).</summary>
    public string Kind { get; set; } = Sqlite;

    /// <summary>PostgreSQL connection string or <c>postgres://</c> URL; required when <see cref="Kind"/> is <c>postgres</c>.</summary>
    public string? Url { get; set; }

    /// <summary>The data directory; the SQLite file is <c>&lt;DataDir&gt;/baton.db</c>.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>SQLite <c>synchronous</c> pragma: <c>NORMAL</c> (default) or <c>FULL</c>.</summary>
    public string Synchronous { get; set; } = "NORMAL";

    /// <summary>Every problem with these options, each naming the allowed values; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Kind == Postgres)
        {
            if (string.IsNullOrWhiteSpace(Url))
                problems.Add("StoreUrl: required with Store 'postgres' (e.g. Host=127.0.0.1;Port=5432;Database=baton;Username=baton;Password=… or postgres://user:pass@host/db).");
            else
                problems.AddRange(PostgresOptions().Validate().Select(p => "StoreUrl: " + p));
        }
        else if (Kind != Sqlite)
            problems.Add($"Store: '{Kind}' is not allowed (sqlite or postgres).");
        if (!string.Equals(Synchronous, "NORMAL", StringComparison.OrdinalIgnoreCase) && !string.Equals(Synchronous, "FULL", StringComparison.OrdinalIgnoreCase))
            problems.Add($"Synchronous: '{Synchronous}' is not allowed (NORMAL or FULL).");
        return problems;
    }

    /// <summary>Where answers come from in local mode: <c>local: &lt;db path&gt;</c>, or <c>local: postgres</c>.</summary>
    public string LocalLabel => "local: " + (Kind == Postgres ? "postgres" : SqliteOptions().DatabasePath);

    internal void Register(IServiceCollection services)
    {
        if (Kind == Postgres) services.AddPostgresStore(PostgresOptions());
        else services.AddSqliteStore(SqliteOptions());
    }

    private PostgresStoreOptions PostgresOptions() => new() { ConnectionString = Url! };

    private SqliteStoreOptions SqliteOptions() => new()
    {
        DatabasePath = Path.Combine(Path.GetFullPath(DataDir), SqliteStoreOptions.FileName),
        Synchronous = Synchronous.ToUpperInvariant(),
    };
}
