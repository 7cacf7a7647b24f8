using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Cli.Commands;
using Baton.Cli.Hooks;
using Baton.Cli.Launch;

namespace Baton.Cli.Tests.Hooks;

/// <summary><c>baton hooks install</c> in settings the user also edits: only Baton's entries change, and only once.</summary>
public sealed class HookInstallerTests : IDisposable
{
    private const string Command = "/opt/baton/baton hook claude";
    private readonly TempDirectory _dir = new("baton-hooks-");

    public void Dispose() => _dir.Dispose();

    private string File(string name) => Path.Combine(_dir.Path, name);

    private static JsonObject Parse(string text) =>
        JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();

    /// <summary>The document with Baton's groups taken out of every event list (and lists Baton alone made dropped).</summary>
    private static JsonObject WithoutBaton(JsonObject document, IReadOnlyList<string> userEvents)
    {
        var copy = document.DeepClone().AsObject();
        if (copy["hooks"] is not JsonObject hooks) return copy;
        foreach (var (name, groups) in hooks.ToList())
        {
            var array = groups!.AsArray();
            foreach (var group in array.Where(g => g!.ToJsonString().Contains(" hook claude", StringComparison.Ordinal)).ToList()) array.Remove(group);
            if (array.Count == 0 && !userEvents.Contains(name)) hooks.Remove(name);
        }
        return copy;
    }

    private const string UserSettings = """
        {
          // my model
          "model": "opus",
          "env": { "GREETING": "Grüße" },
          "hooks": {
            "PreToolUse": [
              {
                "matcher": "Bash",
                "hooks": [ { "type": "command", "command": "~/bin/guard.sh" } ]
              }
            ]
          },
          "permissions": { "allow": ["Bash(ls:*)"] }
        }

        """;

    [Fact]
    public void Install_ClaudeSettingsWithTheUsersOwnHooks_KeepsEveryByteOutsideBatonsEntries()
    {
        System.IO.File.WriteAllText(File("settings.json"), UserSettings);

        var outcome = HookInstaller.Install(AgentCli.Claude, File("settings.json"), Command);

        var text = System.IO.File.ReadAllText(File("settings.json"));
        Assert.True(outcome.Changed);
        // What the user wrote before the hooks, and their own hook group, are untouched bytes.
        Assert.StartsWith("{\n  // my model\n  \"model\": \"opus\",\n  \"env\": { \"GREETING\": \"Grüße\" },\n  \"hooks\": {\n    \"PreToolUse\": [\n", text);
        Assert.Contains("""
                  {
                    "matcher": "Bash",
                    "hooks": [ { "type": "command", "command": "~/bin/guard.sh" } ]
                  }
            """.Replace("\r", ""), text);
        Assert.EndsWith("  \"permissions\": { \"allow\": [\"Bash(ls:*)\"] }\n}\n", text);
        // Taking Baton's entries out again gives the user's document.
        Assert.True(JsonNode.DeepEquals(Parse(UserSettings), WithoutBaton(Parse(text), ["PreToolUse"])));
        var hooks = Parse(text)["hooks"]!.AsObject();
        Assert.Equal(HookInstaller.ClaudeEvents.Order(), hooks.Select(h => h.Key).Order());
        Assert.All(HookInstaller.ClaudeEvents, e => Assert.Contains(Command, hooks[e]!.ToJsonString()));
        Assert.Equal(2, hooks["PreToolUse"]!.AsArray().Count);
    }

    [Fact]
    public void Install_Twice_SecondRunWritesNothing()
    {
        System.IO.File.WriteAllText(File("settings.json"), UserSettings);
        HookInstaller.Install(AgentCli.Claude, File("settings.json"), Command);
        var first = System.IO.File.ReadAllText(File("settings.json"));
        var written = System.IO.File.GetLastWriteTimeUtc(File("settings.json"));

        var again = HookInstaller.Install(AgentCli.Claude, File("settings.json"), Command);

        Assert.False(again.Changed);
        Assert.Equal(first, System.IO.File.ReadAllText(File("settings.json")));
        Assert.Equal(written, System.IO.File.GetLastWriteTimeUtc(File("settings.json")));
    }

    [Fact]
    public void Install_BatonMovedToAnotherPath_ReplacesItsEntryInsteadOfAddingASecond()
    {
        System.IO.File.WriteAllText(File("settings.json"), UserSettings);
        HookInstaller.Install(AgentCli.Claude, File("settings.json"), "/old/place/baton hook claude");

        var outcome = HookInstaller.Install(AgentCli.Claude, File("settings.json"), Command);

        var text = System.IO.File.ReadAllText(File("settings.json"));
        Assert.True(outcome.Changed);
        Assert.DoesNotContain("/old/place", text);
        Assert.Equal(2, Parse(text)["hooks"]!["PreToolUse"]!.AsArray().Count);
        Assert.True(JsonNode.DeepEquals(Parse(UserSettings), WithoutBaton(Parse(text), ["PreToolUse"])));
    }

    [Fact]
    public void Install_NoFileYet_CreatesOneWithOnlyBatonsHooks()
    {
        var file = Path.Combine(_dir.Path, "home", ".gemini", "settings.json");

        HookInstaller.Install(AgentCli.Gemini, file, "baton hook gemini");

        var hooks = Parse(System.IO.File.ReadAllText(file))["hooks"]!.AsObject();
        Assert.Equal(HookInstaller.GeminiEvents.Order(), hooks.Select(h => h.Key).Order());
        var hook = hooks["BeforeTool"]![0]!["hooks"]![0]!;
        Assert.Equal(("baton", "baton hook gemini", 10_000), (hook["name"]!.GetValue<string>(), hook["command"]!.GetValue<string>(), hook["timeout"]!.GetValue<int>()));
    }

    [Fact]
    public void Install_Codex_WritesItsHooksJsonWithSecondTimeouts()
    {
        var file = File("hooks.json");

        HookInstaller.Install(AgentCli.Codex, file, "baton hook codex");

        var hooks = Parse(System.IO.File.ReadAllText(file))["hooks"]!.AsObject();
        Assert.Equal(HookInstaller.CodexEvents.Order(), hooks.Select(h => h.Key).Order());
        Assert.Equal(10, hooks["Stop"]![0]!["hooks"]![0]!["timeout"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{ \"hooks\": ")]
    [InlineData("{ \"hooks\": [] }")]
    [InlineData("{ \"hooks\": { \"PreToolUse\": {} } }")]
    public void Install_SettingsBatonCannotReadSafely_LeftAloneAndReported(string original)
    {
        System.IO.File.WriteAllText(File("settings.json"), original);

        var problem = Assert.Throws<UsageException>(() => HookInstaller.Install(AgentCli.Claude, File("settings.json"), Command));

        Assert.Contains("Baton will not overwrite it", problem.Message);
        Assert.Equal(original, System.IO.File.ReadAllText(File("settings.json")));
    }

    [Fact]
    public void CommandLine_PathWithASpace_IsQuotedForTheShell() =>
        Assert.Equal("'/Users/me/My Tools/baton' hook claude", HookInstaller.CommandLine("/Users/me/My Tools/baton", [], AgentCli.Claude));

    [Fact]
    public void DoctorCheckHooks_MissingThenInstalled_WarnsWithTheFixThenPassesNamingTheTrap()
    {
        var home = Path.Combine(_dir.Path, "home");
        Directory.CreateDirectory(home);

        var missing = DoctorCommand.CheckHooks(AgentCli.Claude, repoRoot: null, home);
        var (command, prefix) = HookCommand.SelfCommand();
        HookInstaller.Install(AgentCli.Claude, HookInstaller.FileOf(AgentCli.Claude, HookScope.User, home, null), HookInstaller.CommandLine(command, prefix, AgentCli.Claude));
        var installed = DoctorCommand.CheckHooks(AgentCli.Claude, repoRoot: null, home);
        var codex = DoctorCommand.CheckHooks(AgentCli.Codex, repoRoot: null, home);

        Assert.Equal(DoctorStatus.Warn, missing.Status);
        Assert.Contains("baton hooks install --claude", missing.Fix);
        Assert.Equal(DoctorStatus.Pass, installed.Status);
        Assert.Contains("--bare", installed.Detail);
        Assert.Equal(DoctorStatus.Warn, codex.Status);
        Assert.Contains("trusted", codex.Fix);
    }
}
