using System.Text.Json;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton docs heal</c> end to end: a real <c>baton serve</c>, an agent key scoped to the venture (not an admin), and a
/// fixture clone with a README, a package manifest, a routes file and a migration, so the generator can build the
/// project-instructions, API and schema docs the default requirements ask of a venture with an API and a database.
/// </summary>
public sealed class DocsHealTests : IAsyncLifetime
{
    private const string VenturesJson = """
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
              "capabilities": ["has_api", "has_database"] },
            { "code": "beta", "name": "Project Beta", "org": "example-org", "repos": ["beta-web"] }
          ]
        }
        """;

    private readonly Workspace _workspace = new();
    private ServeProcess _server = null!;
    private Dictionary<string, string> _asAgent = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_workspace.DataDir, "ventures.json"), VenturesJson);
        _server = await _workspace.StartServeAsync();
        _workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        _workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();

        var create = await _workspace.RunAsync("keys", "create", "--role", "agent", "--name", "healer", "--venture", "alpha", "--json");
        Assert.True(create.ExitCode == 0, create.ToString());
        using var created = JsonDocument.Parse(create.Out);
        _asAgent = new Dictionary<string, string>(_workspace.Environment) { ["BATON_KEY"] = created.RootElement.GetProperty("key").GetString()! };
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _workspace.Dispose();
    }

    private void WriteFixtureRepo()
    {
        Write("README.md", "# Alpha Console\n\nThe admin console for Project Alpha. Run `npm start`.\n");
        Write("package.json", """{ "name": "alpha-console", "scripts": { "start": "node src/server.js" }, "dependencies": { "express": "^4.19.0" } }""");
        Write("src/routes.js", "const express = require('express');\nconst router = express.Router();\n" +
                               "router.get('/users', listUsers);\nrouter.post('/users', createUser);\nrouter.delete('/users/:id', deleteUser);\n");
        Write("migrations/001_create_users.sql", "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL UNIQUE\n);\n");
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_workspace.Repo, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public async Task Heal_AgentKeyAndFixtureRepo_GeneratesAndUploadsEveryMissingDocAndTheAuditTurnsComplete()
    {
        WriteFixtureRepo();

        var before = await _workspace.RunWithAsync(_asAgent, "docs", "audit", "--json");
        var heal = await _workspace.RunWithAsync(_asAgent, "docs", "heal");
        var after = await _workspace.RunWithAsync(_asAgent, "docs", "audit", "--json");
        var api = await _workspace.RunWithAsync(_asAgent, "doc", "alpha", "alpha-api.md");
        var schema = await _workspace.RunWithAsync(_asAgent, "doc", "alpha", "alpha-schema.md");
        var instructions = await _workspace.RunWithAsync(_asAgent, "doc", "alpha", "alpha-project-instructions.md", "--json");

        using var beforeJson = JsonDocument.Parse(before.Out);
        Assert.Equal("incomplete", beforeJson.RootElement.GetProperty("status").GetString());
        Assert.Equal(3, beforeJson.RootElement.GetProperty("missing").GetArrayLength());
        Assert.True(heal.ExitCode == 0, heal.ToString());
        Assert.Contains("healed      alpha/alpha-project-instructions.md (missing) → v1", heal.Out);
        Assert.Contains("healed      alpha/alpha-api.md (missing) → v1, from src/routes.js", heal.Out);
        Assert.Contains("healed      alpha/alpha-schema.md (missing) → v1, from migrations/001_create_users.sql", heal.Out);
        Assert.Contains("Doc audit now: complete", heal.Out);
        Assert.Contains("3 healed, 0 not healed.", heal.Out);
        using var afterJson = JsonDocument.Parse(after.Out);
        Assert.Equal("complete", afterJson.RootElement.GetProperty("status").GetString());
        Assert.Contains("/users/:id", api.Out);
        Assert.Contains("CREATE TABLE users", schema.Out);
        using var doc = JsonDocument.Parse(instructions.Out);
        Assert.True(doc.RootElement.GetProperty("generated").GetBoolean());
        Assert.Contains("README.md", doc.RootElement.GetProperty("content").GetString());
        Assert.Contains("package.json", doc.RootElement.GetProperty("content").GetString());
        Assert.Equal("example-org/alpha-console", doc.RootElement.GetProperty("source_repo").GetString());
    }

    [Fact]
    public async Task Heal_RunAgainAfterHealing_HasNothingToDoAndExitsZero()
    {
        WriteFixtureRepo();
        var first = await _workspace.RunWithAsync(_asAgent, "docs", "heal");

        var second = await _workspace.RunWithAsync(_asAgent, "docs", "heal", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        using var report = JsonDocument.Parse(second.Out);
        Assert.Empty(report.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("complete", report.RootElement.GetProperty("status_before").GetString());
    }

    [Fact]
    public async Task Heal_OnlySomeSources_HealsWhatItCanAndExitsOneNamingWhatWasMissing()
    {
        Write("README.md", "# Alpha Console\n\nThe admin console.\n"); // instructions can be made; no routes, no migrations

        var heal = await _workspace.RunWithAsync(_asAgent, "docs", "heal", "--json");

        Assert.Equal(1, heal.ExitCode);
        using var report = JsonDocument.Parse(heal.Out);
        var items = report.RootElement.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.True(items["alpha-project-instructions.md"].GetProperty("healed").GetBoolean());
        Assert.False(items["alpha-api.md"].GetProperty("healed").GetBoolean());
        Assert.Contains("route declarations", items["alpha-api.md"].GetProperty("reason").GetString());
        Assert.Contains("SQL migrations", items["alpha-schema.md"].GetProperty("reason").GetString());
        Assert.Equal("incomplete", report.RootElement.GetProperty("status_after").GetString());
    }

    [Fact]
    public async Task Heal_AgentKeyForAnotherVenture_IsRefusedWithTheServersDetail()
    {
        WriteFixtureRepo();

        var heal = await _workspace.RunWithAsync(_asAgent, "docs", "heal", "--venture", "beta");

        Assert.Equal(1, heal.ExitCode);
        Assert.Contains("forbidden", heal.Error);
        Assert.Contains("beta", heal.Error);
    }
}
