using Baton.Local.Settings;


namespace Baton.Cli.Tests.Unit;

public sealed class SettingsTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("baton-settings-").FullName;

    private string DataDir => Path.Combine(_home, ".local", "share", "baton");

    private static readonly Dictionary<string, string> NoFlags = new();

    private Dictionary<string, string> Env(params (string Name, string Value)[] values)
    {
        var env = new Dictionary<string, string> { ["HOME"] = _home };
        foreach (var (name, value) in values) env[name] = value;
        return env;
    }

    private void WriteBatonJson(string json)
    {
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "baton.json"), json);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Load_NothingSet_UsesTheDocumentedDefaults()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env());

        Assert.Equal(DataDir, settings.DataDir);
        Assert.Equal("127.0.0.1:8765", settings.Listen);
        Assert.Equal("sqlite", settings.Store);
        Assert.Equal(45, settings.StaleMinutes);
        Assert.Equal(100, settings.RateLimit);
        Assert.Null(settings.Url);
        Assert.False(settings.IsServerMode);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Load_XdgDataHomeSet_PutsTheDataDirUnderIt()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env(("XDG_DATA_HOME", "/xdg")));

        Assert.Equal(Path.Combine("/xdg", "baton"), settings.DataDir);
    }

    [Fact]
    public void Load_SameSettingEverywhere_FlagBeatsEnvironmentBeatsBatonJson()
    {
        WriteBatonJson("""{"BATON_LISTEN": "127.0.0.1:1001", "BATON_AGENT": "file-agent"}""");
        var env = Env(("BATON_LISTEN", "127.0.0.1:1002"));
        var flags = new Dictionary<string, string> { ["BATON_LISTEN"] = "127.0.0.1:1003" };

        var fromFlag = BatonSettingsLoader.Load(flags, env);
        var fromEnv = BatonSettingsLoader.Load(NoFlags, env);
        var fromFile = BatonSettingsLoader.Load(NoFlags, Env());

        Assert.Equal("127.0.0.1:1003", fromFlag.Listen);
        Assert.Equal("--listen", fromFlag.Sources["BATON_LISTEN"]);
        Assert.Equal("127.0.0.1:1002", fromEnv.Listen);
        Assert.Equal("127.0.0.1:1001", fromFile.Listen);
        Assert.Equal("file-agent", fromFile.Agent);
    }

    [Fact]
    public void Load_DataDirFlag_ReadsBatonJsonFromThatDirectory()
    {
        var other = Path.Combine(_home, "elsewhere");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "baton.json"), """{"BATON_STALE_MINUTES": 30}""");

        var settings = BatonSettingsLoader.Load(new Dictionary<string, string> { ["BATON_DATA_DIR"] = other }, Env());

        Assert.Equal(other, settings.DataDir);
        Assert.Equal(30, settings.StaleMinutes);
    }

    [Fact]
    public void Load_EmptyEnvironmentValue_CountsAsNotSet()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env(("BATON_URL", "")));

        Assert.False(settings.IsServerMode);
    }

    [Fact]
    public void Validate_SeveralBadValues_ListsEveryProblemWithTheAllowedValues()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env(
            ("BATON_LISTEN", "nonsense"),
            ("BATON_STALE_MINUTES", "soon"),
            ("BATON_STORE", "mysql"),
            ("BATON_RATE_LIMIT", "-5"),
            ("BATON_HEALTH_PROBE_SECONDS", "3"),
            ("BATON_WORKFLOW_PASS_SECONDS", "-1"),
            ("BATON_URL", "ftp://x")));

        var problems = settings.Validate();

        Assert.Equal(7, problems.Count);
        Assert.Contains(problems, p => p.Contains("BATON_WORKFLOW_PASS_SECONDS") && p.Contains("0 (this server drives no workflows)"));
        Assert.Contains(problems, p => p.Contains("BATON_HEALTH_PROBE_SECONDS") && p.Contains("0 (the server probes nothing) or 5 or more"));
        Assert.Contains(problems, p => p.Contains("BATON_LISTEN") && p.Contains("host:port") && p.Contains("environment"));
        Assert.Contains(problems, p => p.Contains("BATON_STALE_MINUTES") && p.Contains("'soon'") && p.Contains("whole number"));
        Assert.Contains(problems, p => p.Contains("BATON_STORE") && p.Contains("'sqlite'") && p.Contains("'postgres'"));
        Assert.Contains(problems, p => p.Contains("BATON_RATE_LIMIT") && p.Contains("0 (off)"));
        Assert.Contains(problems, p => p.Contains("BATON_URL") && p.Contains("http://"));
    }

    [Fact]
    public void Load_DurabilityFromFlagEnvironmentOrFile_IsReadAndMapsToThePragma()
    {
        WriteBatonJson("""{"BATON_DURABILITY": "full"}""");

        var fromFile = BatonSettingsLoader.Load(NoFlags, Env());
        var fromEnvironment = BatonSettingsLoader.Load(NoFlags, Env(("BATON_DURABILITY", "NORMAL")));
        var fromFlag = BatonSettingsLoader.Load(new Dictionary<string, string> { ["BATON_DURABILITY"] = "full" }, Env(("BATON_DURABILITY", "normal")));

        Assert.Equal(("full", "FULL"), (fromFile.Durability, fromFile.Synchronous));
        Assert.Equal(("normal", "NORMAL"), (fromEnvironment.Durability, fromEnvironment.Synchronous));
        Assert.Equal(("full", "FULL"), (fromFlag.Durability, fromFlag.Synchronous));
        Assert.Empty(fromFlag.Validate());
    }

    [Fact]
    public void Load_NoDurability_IsNormal()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env());

        Assert.Equal("normal", settings.Durability);
        Assert.Equal("NORMAL", settings.Synchronous);
    }

    [Fact]
    public void Validate_UnknownDurability_NamesTheAllowedValues()
    {
        var problems = BatonSettingsLoader.Load(NoFlags, Env(("BATON_DURABILITY", "paranoid"))).Validate();

        var problem = Assert.Single(problems);
        Assert.Contains("BATON_DURABILITY (from environment) is 'paranoid'", problem);
        Assert.Contains("'normal'", problem);
        Assert.Contains("'full'", problem);
    }

    [Fact]
    public async Task LocalMode_DurabilityFull_ReachesTheWriterPragma()
    {
        var settings = BatonSettingsLoader.Load(NoFlags, Env(("BATON_DURABILITY", "full")));

        await using var connection = await BatonConnection.OpenAsync(settings, CancellationToken.None);
        var store = Assert.IsType<Baton.Storage.Sqlite.SqliteBatonStore>(connection.LocalStore);

        Assert.Equal("FULL", await store.ReadSynchronousAsync(CancellationToken.None));
    }

    [Fact]
    public void Validate_PostgresStoreWithoutUrl_AsksForTheStoreUrl()
    {
        var problems = BatonSettingsLoader.Load(NoFlags, Env(("BATON_STORE", "postgres"))).Validate();

        var problem = Assert.Single(problems);
        Assert.Contains("BATON_STORE_URL", problem);
        Assert.Contains("postgres://", problem);
    }

    [Fact]
    public void Validate_PostgresStoreWithUrl_HasNoProblem()
    {
        var problems = BatonSettingsLoader.Load(NoFlags, Env(("BATON_STORE", "postgres"), ("BATON_STORE_URL", "Host=db;Database=baton"))).Validate();

        Assert.Empty(problems);
    }

    [Fact]
    public void Load_MalformedBatonJson_ReportsTheFileAndLine()
    {
        WriteBatonJson("{\n  \"BATON_LISTEN\": \"127.0.0.1:1\",\n  \"BATON_AGENT\" \"x\"\n}");

        var problems = BatonSettingsLoader.Load(NoFlags, Env()).Validate();

        var problem = Assert.Single(problems);
        Assert.Contains(Path.Combine(DataDir, "baton.json"), problem);
        Assert.Contains("line 3", problem);
    }

    [Fact]
    public void Load_UnknownKeyInBatonJson_ReportsItWithTheAllowedKeys()
    {
        WriteBatonJson("""{"BATON_LISTN": "127.0.0.1:1"}""");

        var problem = Assert.Single(BatonSettingsLoader.Load(NoFlags, Env()).Validate());

        Assert.Contains("BATON_LISTN", problem);
        Assert.Contains("BATON_LISTEN", problem);
    }

    [Fact]
    public void Load_MisspeltKeyInBatonJson_ReportsTheLineAndTheIntendedKey()
    {
        WriteBatonJson("{\n  \"BATON_LISTEN\": \"127.0.0.1:1\",\n  \"BATON_STALE_MINUTE\": 30\n}");

        var problem = Assert.Single(BatonSettingsLoader.Load(NoFlags, Env()).Validate());

        Assert.Contains(Path.Combine(DataDir, "baton.json") + ":3:", problem);
        Assert.Contains("did you mean 'BATON_STALE_MINUTES'?", problem);
    }

    [Fact]
    public void Load_TrailingCommaInBatonJson_IsRefusedWithTheLine()
    {
        WriteBatonJson("{\n  \"BATON_LISTEN\": \"127.0.0.1:1\",\n}");

        var problem = Assert.Single(BatonSettingsLoader.Load(NoFlags, Env()).Validate());

        Assert.Contains("line 3", problem);
        Assert.Contains("trailing comma", problem);
    }

    [Fact]
    public void Validate_VenturesFileThatDoesNotExist_IsAProblem()
    {
        var problems = BatonSettingsLoader.Load(NoFlags, Env(("BATON_VENTURES_FILE", Path.Combine(_home, "missing.json")))).Validate();

        Assert.Contains("does not exist", Assert.Single(problems));
    }

    [Fact]
    public void Validate_NoHomeAndNoDataDir_SaysToSetBatonDataDir()
    {
        var problems = BatonSettingsLoader.Load(NoFlags, new Dictionary<string, string>()).Validate();

        Assert.Contains("BATON_DATA_DIR", Assert.Single(problems));
    }

    [Theory]
    [InlineData("127.0.0.1:8765", true)]
    [InlineData("0.0.0.0:0", true)]
    [InlineData("[::1]:8765", true)]
    [InlineData("localhost:80", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.1:70000", false)]
    [InlineData(":8765", false)]
    [InlineData("::1:8765", false)]
    [InlineData("example.com:8765", false)]
    public void TryParseListen_Forms_AcceptedOnlyWhenHostAndPortAreUsable(string listen, bool expected)
    {
        Assert.Equal(expected, BatonSettings.TryParseListen(listen, out _, out _));
    }
}
