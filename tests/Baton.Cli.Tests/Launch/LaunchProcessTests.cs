using Baton.Cli.Tests.Process;

namespace Baton.Cli.Tests.Launch;

/// <summary>
/// <c>baton launch</c> as a process in local mode: a temp HOME and repo root, a real git clone, and fake agent and
/// provider executables first on PATH that record their argv, cwd and environment.
/// </summary>
public sealed class LaunchProcessTests : IDisposable
{
    private const string SecretKey = "bk_live_7f3a9c2e5b8d4f6a1c0e9b7d";
    private const string SecretDb = "postgres://u:pw-91c3e7aa@db/alpha";
    private const string InheritedToken = "inf-token-5e2c8b1d9a";

    private readonly Workspace _workspace = new();
    private readonly FakeBin _bin;
    private readonly string _record;
    private readonly string _envFile;

    public LaunchProcessTests()
    {
        _bin = new FakeBin(Path.Combine(_workspace.Root, "bin"));
        _record = Path.Combine(_workspace.Root, "record.txt");
        _envFile = Path.Combine(_workspace.Root, "secrets", "alpha.env");
        Directory.CreateDirectory(Path.GetDirectoryName(_envFile)!);
        File.WriteAllText(_envFile, $"BATON_KEY={SecretKey}\nexport DATABASE_URL=\"{SecretDb}\"\n");
        foreach (var agent in new[] { "claude", "gemini", "codex" }) _bin.Write(agent, RecorderScript);
        _workspace.Environment["PATH"] = _bin.SearchPath;
        _workspace.Environment["BATON_REPO_ROOTS"] = _workspace.Root;
        _workspace.Environment["RECORD_FILE"] = _record;
        _workspace.Environment["INFISICAL_TOKEN"] = InheritedToken;
        WriteLaunchConfig("""{"ventures":{"alpha":{"secrets":{"provider":"env-file","file":"ENV_FILE"},"deny_env":["DENY_ME"]}}}""".Replace("ENV_FILE", _envFile));
        _workspace.Environment["DENY_ME"] = "x";
    }

    private const string RecorderScript = """
        #!/bin/sh
        { echo "cwd=$(pwd)"; for a in "$@"; do echo "arg=$a"; done; env | sed 's/^/env=/'; } > "$RECORD_FILE"
        exit 7
        """;

    private void WriteLaunchConfig(string json) => File.WriteAllText(Path.Combine(_workspace.DataDir, "launch.json"), json);

    private Dictionary<string, string> RecordedEnvironment() =>
        File.ReadAllLines(_record).Where(l => l.StartsWith("env=", StringComparison.Ordinal))
            .Select(l => l[4..]).Where(l => l.Contains('=')).GroupBy(l => l[..l.IndexOf('=')]).ToDictionary(g => g.Key, g => g.First()[(g.Key.Length + 1)..]);

    [Fact]
    public async Task Launch_WithEnvFileSecrets_SpawnsAgentInCloneWithSecretsOnlyInItsEnvironment()
    {
        var result = await _workspace.RunAsync("launch", "alpha", "--", "--model", "opus");

        Assert.Equal(7, result.ExitCode);
        var lines = File.ReadAllLines(_record);
        Assert.Contains($"cwd={_workspace.Repo}", lines);
        Assert.Equal(["arg=--model", "arg=opus"], lines.Where(l => l.StartsWith("arg=", StringComparison.Ordinal)));
        var env = RecordedEnvironment();
        Assert.Equal(SecretKey, env["BATON_KEY"]);
        Assert.Equal(SecretDb, env["DATABASE_URL"]);
        Assert.Equal("alpha", env["BATON_VENTURE"]);
        Assert.Equal("dev", env["BATON_ENV"]);
        Assert.StartsWith("claude-", env["BATON_AGENT"]);
        Assert.False(env.ContainsKey("INFISICAL_TOKEN"));
        Assert.False(env.ContainsKey("DENY_ME"));
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_Twice_RegistersMcpOnceAndKeepsOtherServers()
    {
        File.WriteAllText(Path.Combine(_workspace.Repo, ".mcp.json"), """{"mcpServers":{"other":{"command":"other-mcp"}},"extra":1}""");

        var first = await _workspace.RunAsync("launch", "alpha");
        var afterFirst = File.ReadAllText(Path.Combine(_workspace.Repo, ".mcp.json"));
        var second = await _workspace.RunAsync("launch", "alpha");

        Assert.Contains("MCP registered in", first.Error);
        Assert.Contains("MCP already in", second.Error);
        Assert.Equal(afterFirst, File.ReadAllText(Path.Combine(_workspace.Repo, ".mcp.json")));
        Assert.Contains("\"other-mcp\"", afterFirst);
        Assert.Contains("\"extra\": 1", afterFirst);
        Assert.Contains("\"${BATON_KEY:-}\"", afterFirst);
        AssertNoSecretLeaked(second);
    }

    [Fact]
    public async Task Launch_Twice_InstallsBatonsHooksInTheUsersClaudeSettingsOnce()
    {
        var settings = Path.Combine(_workspace.Home, ".claude", "settings.json");

        var first = await _workspace.RunAsync("launch", "alpha");
        var afterFirst = File.ReadAllText(settings);
        var second = await _workspace.RunAsync("launch", "alpha");

        Assert.Contains($"hooks installed in {settings}", first.Error);
        Assert.Contains($"hooks already in {settings}", second.Error);
        Assert.Equal(afterFirst, File.ReadAllText(settings));
        Assert.Contains(" hook claude", afterFirst);
    }

    [Fact]
    public async Task Launch_Gemini_AddsServerWithEnvMappingsAndNoRedactionAllowance()
    {
        var settings = Path.Combine(_workspace.Home, ".gemini", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        File.WriteAllText(settings, """{"theme":"Dracula","security":{"environmentVariableRedaction":{"allowed":["MY_VAR"]}}}""");

        var result = await _workspace.RunAsync("launch", "alpha", "--gemini");

        Assert.Equal(7, result.ExitCode);
        var text = File.ReadAllText(settings);
        Assert.Contains("\"Dracula\"", text);
        Assert.Contains("\"MY_VAR\"", text);
        Assert.Contains("\"BATON_KEY\": \"$BATON_KEY\"", text);
        // Gemini expands $BATON_KEY from its own environment: an allow-list entry would only show the key to every MCP server.
        var allowed = System.Text.Json.Nodes.JsonNode.Parse(text)!["security"]!["environmentVariableRedaction"]!["allowed"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(["MY_VAR"], allowed);
        Assert.DoesNotContain("BATON_URL", text); // local mode sets no URL, so none is passed on
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_Codex_WritesBatonTableAndKeepsTheRestOfConfigToml()
    {
        var config = Path.Combine(_workspace.Home, ".codex", "config.toml");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        const string original = "# my settings\nmodel = \"o3\"\n\n[mcp_servers.other]\ncommand = \"other\"\n";
        File.WriteAllText(config, original);

        var result = await _workspace.RunAsync("launch", "alpha", "--codex");
        var text = File.ReadAllText(config);

        Assert.Equal(7, result.ExitCode);
        Assert.StartsWith(original, text);
        Assert.Contains("[mcp_servers.baton]", text);
        // Local mode: no BATON_URL is set, so none is listed; the key comes from the venture's secrets.
        Assert.Contains("env_vars = [\"BATON_KEY\", \"BATON_VENTURE\"", text);
        Assert.DoesNotContain("BATON_URL", text);
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_Codex_TurnsItsShellSnapshotOffSoNoSecretIsWrittenUnderHome()
    {
        // Like the real Codex: without the override it snapshots the shell, exported secrets and all, under ~/.codex.
        _bin.Write("codex", RecorderScript.Replace("#!/bin/sh\n", """
            #!/bin/sh
            off=""; for a in "$@"; do [ "$a" = "features.shell_snapshot=false" ] && off=1; done
            if [ -z "$off" ]; then mkdir -p "$HOME/.codex/shell_snapshots"; export -p > "$HOME/.codex/shell_snapshots/1.sh"; fi

            """));

        var result = await _workspace.RunAsync("launch", "alpha", "--codex", "--", "--model", "o3");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(["arg=-c", "arg=features.shell_snapshot=false", "arg=--model", "arg=o3"],
            File.ReadAllLines(_record).Where(l => l.StartsWith("arg=", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(Path.Combine(_workspace.Home, ".codex", "shell_snapshots")));
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_Claude_ApprovesBatonForTheProjectInSettingsLocalAndSaysSo()
    {
        var local = Path.Combine(_workspace.Repo, ".claude", "settings.local.json");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        File.WriteAllText(local, "{\n  // mine\n  \"permissions\": { \"allow\": [\"Bash(ls)\"] }\n}\n");

        var result = await _workspace.RunAsync("launch", "alpha");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("approved for this project in " + local, result.Error);
        var text = File.ReadAllText(local);
        Assert.Contains("// mine", text);
        Assert.Contains("\"enabledMcpjsonServers\": [\n    \"baton\"\n  ]", text);
        Assert.False(File.Exists(Path.Combine(_workspace.Repo, ".claude", "settings.json")), "the approval is the user's, not a committed file");
    }

    [Theory]
    [InlineData(15, "TERM", 143)]
    [InlineData(1, "HUP", 129)]
    public async Task Launch_TerminatingSignalToBaton_ReachesTheAgentAndItsChildrenAndBatonExitsWithTheAgentsCode(int signal, string name, int code)
    {
        var signals = _record + ".signals";
        // The agent records the signal, then waits for its own child: only a signal that reached the child too lets it finish.
        _bin.Write("claude", """
            #!/bin/sh
            on() { echo "$1" >> "$RECORD_FILE.signals"; wait "$child"; echo "child=$?" >> "$RECORD_FILE.signals"; exit "$2"; }
            trap 'on TERM 143' TERM
            trap 'on HUP 129' HUP
            sleep 600 >/dev/null 2>&1 &
            child=$!
            echo "$$ $child" > "$RECORD_FILE.pids"
            echo "agent ready"
            wait
            """);
        using var baton = System.Diagnostics.Process.Start(_workspace.StartInfo(_workspace.Environment, ["launch", "alpha"]))!;
        try
        {
            Assert.Equal("agent ready", await baton.StandardOutput.ReadLineAsync(TestTimeouts.Token()));

            Assert.Equal(0, SendSignal(baton.Id, signal));
            await baton.WaitForExitAsync(TestTimeouts.Token());

            Assert.Equal(code, baton.ExitCode);
            Assert.True(File.Exists(signals), "the agent got no signal: it was left running without baton");
            Assert.Equal([name, $"child={128 + signal}"], File.ReadAllLines(signals));
        }
        finally
        {
            if (!baton.HasExited) baton.Kill(entireProcessTree: true);
            // A failing run leaves the agent orphaned: end it here rather than let it hold the pipes for ten minutes.
            foreach (var pid in File.ReadAllText(_record + ".pids").Split(' ', StringSplitOptions.RemoveEmptyEntries)) SendSignal(int.Parse(pid), 9);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [Fact]
    public async Task Launch_WhenAgentBinaryMissing_SaysHowToInstallAndFails()
    {
        _bin.Remove("codex");

        var result = await _workspace.RunAsync("launch", "alpha", "--codex");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("npm install -g @openai/codex", result.Error);
        Assert.False(File.Exists(_record));
    }

    [Fact]
    public async Task Launch_UnknownVenture_NamesTheKnownOnesAndFails()
    {
        var result = await _workspace.RunAsync("launch", "nope");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("There is no venture 'nope'", result.Error);
        Assert.Contains("alpha", result.Error);
    }

    [Fact]
    public async Task Launch_WhenNotCloned_PrintsTheCloneCommandAndFails()
    {
        var result = await _workspace.RunAsync("launch", "beta");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("git clone git@github.com:example-org/beta-web.git", result.Error);
    }

    [Fact]
    public async Task Launch_WhenProviderCommandFails_ReportsItWithoutValuesAndFails()
    {
        _bin.Write("fake-secrets", $"#!/bin/sh\necho 'token {SecretKey} rejected' >&2\nexit 3");
        WriteLaunchConfig("""{"ventures":{"alpha":{"secrets":{"provider":"command","command":["fake-secrets"]}}}}""");

        var result = await _workspace.RunAsync("launch", "alpha");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("exit code 3", result.Error);
        Assert.False(File.Exists(_record));
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_WhenRequiredKeyMissing_ListsKeyNamesFoundNeverValues()
    {
        File.WriteAllText(_envFile, $"DATABASE_URL={SecretDb}\n");

        var result = await _workspace.RunAsync("launch", "alpha");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("lack BATON_KEY", result.Error);
        Assert.Contains("Keys found: DATABASE_URL", result.Error);
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_WhenProviderOutputUnparsable_ShowsMaskedStartAndFails()
    {
        _bin.Write("fake-secrets", $"#!/bin/sh\necho '{{\"BATON_KEY\": \"{SecretKey}\", broken'");
        WriteLaunchConfig("""{"ventures":{"alpha":{"secrets":{"provider":"command","command":["fake-secrets"]}}}}""");

        var result = await _workspace.RunAsync("launch", "alpha");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("neither JSON nor KEY=value", result.Error);
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_InfisicalProvider_RunsExportWithPathAndEnv()
    {
        _bin.Write("infisical", "#!/bin/sh\necho \"$@\" > \"$RECORD_FILE.infisical\"\necho '[{\"key\":\"BATON_KEY\",\"value\":\"" + SecretKey + "\"}]'");
        WriteLaunchConfig("""{"ventures":{"alpha":{"secrets":{"provider":"infisical"}}}}""");

        var result = await _workspace.RunAsync("launch", "alpha", "--env", "prod");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal("export --format=json --silent --path /alpha --env prod", File.ReadAllText(_record + ".infisical").Trim());
        Assert.Equal(SecretKey, RecordedEnvironment()["BATON_KEY"]);
        AssertNoSecretLeaked(result);
    }

    [Fact]
    public async Task Launch_WithMalformedGeminiSettings_LeavesTheFileAndFails()
    {
        var settings = Path.Combine(_workspace.Home, ".gemini", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        File.WriteAllText(settings, "{ not json");

        var result = await _workspace.RunAsync("launch", "alpha", "--gemini");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not valid JSON", result.Error);
        Assert.Equal("{ not json", File.ReadAllText(settings));
        Assert.False(File.Exists(_record));
    }

    [Fact]
    public async Task LaunchList_ShowsCloneOrNotClonedAndAgent()
    {
        _workspace.Environment["BATON_DEFAULT_AGENT"] = "gemini";

        var result = await _workspace.RunAsync("launch", "--list");

        Assert.Equal(0, result.ExitCode);
        var alpha = result.Out.Split('\n').Single(l => l.StartsWith("alpha", StringComparison.Ordinal));
        Assert.Contains(_workspace.Repo, alpha);
        Assert.Contains("gemini", alpha);
        Assert.Contains("not cloned", result.Out.Split('\n').Single(l => l.StartsWith("beta", StringComparison.Ordinal)));
    }

    /// <summary>No secret value in the output, nor in any file under HOME or the repo (the record and env file sit outside both).</summary>
    private void AssertNoSecretLeaked(CliResult result)
    {
        foreach (var secret in new[] { SecretKey, SecretDb, InheritedToken })
        {
            Assert.DoesNotContain(secret, result.Out);
            Assert.DoesNotContain(secret, result.Error);
            foreach (var file in Directory.EnumerateFiles(_workspace.Home, "*", SearchOption.AllDirectories)
                         .Concat(Directory.EnumerateFiles(_workspace.Repo, "*", SearchOption.AllDirectories)))
            {
                Assert.DoesNotContain(secret, File.ReadAllText(file));
            }
        }
    }

    public void Dispose() => _workspace.Dispose();
}
