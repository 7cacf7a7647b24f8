using System.Text.Json.Nodes;
using Baton.Cli.Launch;

namespace Baton.Cli.Tests.Launch;

/// <summary>Registering <c>baton mcp</c> in files the user also edits by hand: only Baton's entry changes.</summary>
public sealed class McpRegistrationTests : IDisposable
{
    private readonly TempDirectory _dir = new("baton-reg-");
    private static readonly string[] Variables = ["BATON_KEY", "BATON_VENTURE"];

    private string File(string name) => Path.Combine(_dir.Path, name);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Gemini_FileWithCommentsAndNonAscii_KeepsEveryByteOutsideBatonsEntry()
    {
        const string original = """
            // My Gemini settings
            {
              "theme": "Dracula", // dark
              /* Denkstil */
              "customInstructions": "Räsonieren auf Deutsch",
              "mcpServers": {
                "other": { "command": "other-mcp" } // mine
              }
            }

            """;
        System.IO.File.WriteAllText(File("settings.json"), original);

        var outcome = McpRegistration.Gemini(File("settings.json"), "baton", ["mcp"], Variables);

        var text = System.IO.File.ReadAllText(File("settings.json"));
        Assert.True(outcome.Changed);
        Assert.Contains("Räsonieren auf Deutsch", text);
        Assert.DoesNotContain("\\u00E4", text);
        Assert.StartsWith("// My Gemini settings\n{\n  \"theme\": \"Dracula\", // dark\n  /* Denkstil */\n", text);
        // The comma the new member needs goes after the last value, before the comment that ends its line.
        Assert.Contains("\"other\": { \"command\": \"other-mcp\" }, // mine\n", text);
        var baton = JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!
            ["mcpServers"]!["baton"]!;
        Assert.Equal("$BATON_KEY", baton["env"]!["BATON_KEY"]!.GetValue<string>());
        Assert.Null(baton["env"]!["BATON_URL"]);
    }

    [Fact]
    public void Gemini_Twice_WritesOnceThenLeavesTheFile()
    {
        McpRegistration.Gemini(File("settings.json"), "baton", ["mcp"], Variables);
        var first = System.IO.File.ReadAllText(File("settings.json"));

        var again = McpRegistration.Gemini(File("settings.json"), "baton", ["mcp"], Variables);

        Assert.False(again.Changed);
        Assert.Equal(first, System.IO.File.ReadAllText(File("settings.json")));
    }

    [Fact]
    public void Gemini_WithTheAllowListBatonWroteBefore_RemovesBatonsNamesAndKeepsTheUsers()
    {
        System.IO.File.WriteAllText(File("settings.json"), """
            {
              "security": {
                "environmentVariableRedaction": {
                  "allowed": ["MY_VAR", "BATON_URL", "BATON_KEY"]
                }
              }
            }
            """);

        McpRegistration.Gemini(File("settings.json"), "baton", ["mcp"], Variables);

        var root = JsonNode.Parse(System.IO.File.ReadAllText(File("settings.json")))!;
        Assert.Equal(["MY_VAR"], root["security"]!["environmentVariableRedaction"]!["allowed"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public void Gemini_WithOnlyBatonsAllowList_RemovesTheWholeSection()
    {
        System.IO.File.WriteAllText(File("settings.json"),
            """{"theme":"x","security":{"environmentVariableRedaction":{"allowed":["BATON_URL","BATON_KEY","BATON_VENTURE","BATON_AGENT","BATON_ENV","BATON_DATA_DIR"]}}}""");

        McpRegistration.Gemini(File("settings.json"), "baton", ["mcp"], Variables);

        var root = JsonNode.Parse(System.IO.File.ReadAllText(File("settings.json")))!.AsObject();
        Assert.False(root.ContainsKey("security"));
        Assert.Equal("x", root["theme"]!.GetValue<string>());
    }

    [Fact]
    public void ClaudeApproval_SettingsWithOtherKeys_AddsBatonToEnabledMcpjsonServersOnce()
    {
        const string original = "{\n  \"permissions\": { \"allow\": [\"Bash(ls)\"] },\n  \"enabledMcpjsonServers\": [\"other\"]\n}\n";
        System.IO.File.WriteAllText(File("settings.local.json"), original);

        var first = McpRegistration.ClaudeApproval(File("settings.local.json"));
        var second = McpRegistration.ClaudeApproval(File("settings.local.json"));

        Assert.True(first.Changed);
        Assert.False(second.Changed);
        Assert.Equal(original.Replace("[\"other\"]", "[\"other\", \"baton\"]"), System.IO.File.ReadAllText(File("settings.local.json")));
    }
}

/// <summary>What a provider's failure message shows: values masked, words kept.</summary>
public sealed class SecretMaskingTests
{
    [Theory]
    [InlineData("error: you must be logged in to use this command")]
    [InlineData("Error: project not found. Run infisical init first.")]
    [InlineData("connection refused (https://app.infisical.com/api)")]
    public void MaskedPreview_OrdinaryMessage_StaysAsWritten(string message)
    {
        Assert.Equal(message, Secrets.MaskedPreview(message));
    }

    [Theory]
    [InlineData("BATON_KEY=bk_123", "BATON_KEY=****")]
    [InlineData("export DATABASE_URL=\"postgres://u:pw@db/alpha\"", "export DATABASE_URL=\"****\"")]
    [InlineData("{\"BATON_KEY\": \"short\", broken", "{\"BATON_KEY\": \"****\", broken")]
    [InlineData("[{\"key\":\"A\",\"value\":\"hunter2\"}", "[{\"key\":\"A\",\"value\":\"****\"}")]
    [InlineData("password: hunter2", "password: ****")]
    [InlineData("token bk_live_7f3a9c2e5b8d4f6a1c0e9b7d rejected", "token **** rejected")]
    [InlineData("cannot reach postgres://admin:s3cret@db:5432", "cannot reach postgres://admin:****@db:5432")]
    public void MaskedPreview_SecretValue_IsMasked(string text, string expected)
    {
        Assert.Equal(expected, Secrets.MaskedPreview(text));
    }
}
