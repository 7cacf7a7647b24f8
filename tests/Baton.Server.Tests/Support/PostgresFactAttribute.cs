namespace Baton.Server.Tests.Support;

/// <summary>
/// A fact that needs the PostgreSQL server named by <c>BATON_TEST_PG</c> (replicas on one database): reported skipped,
/// with what to set, where it is not set; .ci/run always sets it. (Baton.Cli.Tests has its own: Baton.Testing takes no
/// xunit reference to share one.)
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "BATON_TEST_PG";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(ConnectionString))
            Skip = $"{Variable} is not set: this test needs a PostgreSQL server (.ci/run starts one and sets it).";
    }
}
