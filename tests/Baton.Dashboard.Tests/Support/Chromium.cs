namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// The browser these tests drive: the system's Chromium (Debian's <c>chromium</c> package), because Playwright cannot
/// download its own here. <c>BATON_TEST_CHROMIUM</c> names another executable; <c>.ci/run</c> always sets it.
/// </summary>
public static class Chromium
{
    public const string Variable = "BATON_TEST_CHROMIUM";

    private const string DebianPath = "/usr/bin/chromium";

    /// <summary>The executable to launch, or null when there is none on this machine.</summary>
    public static string? ExecutableOrNull
    {
        get
        {
            var named = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(named)) return File.Exists(named) ? named : null;
            return File.Exists(DebianPath) ? DebianPath : null;
        }
    }

    /// <summary>Why a browser test cannot run here, or null when it can.</summary>
    public static string? SkipReason => ExecutableOrNull is not null
        ? null
        : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named
            ? $"{Variable} names {named}, which does not exist: these tests need a Chromium executable."
            : $"No Chromium at {DebianPath} and {Variable} is not set: these tests need one (.ci/run installs Debian's chromium and sets it).";
}

/// <summary>
/// A test that needs a real browser: reported skipped, with what to install or set, where there is no Chromium (a
/// laptop without it); CI always provides one, so there it always runs.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs a real browser (see <see cref="BrowserFactAttribute"/>).</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (Chromium.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>
/// A browser test that also needs the PostgreSQL server named by <c>BATON_TEST_PG</c> (two replicas on one database):
/// skipped with the reason where either is missing, as the other PostgreSQL tests are.
/// </summary>
public sealed class BrowserPostgresFactAttribute : FactAttribute
{
    public const string PgVariable = "BATON_TEST_PG";

    public static string ConnectionString => Environment.GetEnvironmentVariable(PgVariable) ?? "";

    public BrowserPostgresFactAttribute()
    {
        if (Chromium.SkipReason is { } reason) Skip = reason;
        else if (string.IsNullOrEmpty(ConnectionString))
            Skip = $"{PgVariable} is not set: this test needs a PostgreSQL server (.ci/run starts one and sets it).";
    }
}
