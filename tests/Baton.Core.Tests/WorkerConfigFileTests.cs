using System.Text;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Workers;
using Baton.Local.Settings;

namespace Baton.Core.Tests;

public class WorkerConfigFileTests
{
    private static WorkerConfig Parse(string json) => WorkerConfigFile.Parse("worker.json", Encoding.UTF8.GetBytes(json));

    private static string[] Problems(string json) =>
        Assert.Throws<WorkerConfigException>(() => Parse(json)).Message.Split('\n')[1..];

    [Fact]
    public void Parse_EveryField_ReadsThem()
    {
        var config = Parse("""
        {
          // comments are allowed, as in baton.json
          "agents": [
            { "name": "claude-build-1", "cli": "claude",
              "capabilities": [{ "name": "code", "weight": 0.9, "preferred": true, "requirements": ["docker"] },
                               { "name": "review", "weight": 0.5 }],
              "max_concurrency": 2,
              "health_checks": [{ "requirement": "docker", "command": "docker info" }],
              "args": ["--model", "opus"] },
            { "name": "my-agent", "cli": "custom", "command": "/usr/local/bin/my-agent", "args": ["run", "{prompt}"],
              "capabilities": [{ "name": "code", "weight": 0.4, "requirements": ["staging"] }],
              "health_checks": [{ "requirement": "staging", "url": "https://staging.example.com/health" }],
              "price": { "input_per_million": 1.25, "output_per_million": 10 } }
          ]
        }
        """);

        Assert.Equal(2, config.Agents.Count);
        var claude = config.Agents[0];
        Assert.Equal("claude-build-1", claude.Name);
        Assert.Equal(AgentCli.Claude, claude.Cli);
        Assert.Equal(2, claude.MaxConcurrency);
        Assert.Equal(("code", 0.9, true), (claude.Capabilities[0].Name, claude.Capabilities[0].Weight, claude.Capabilities[0].Preferred));
        Assert.Equal(["docker"], claude.Capabilities[0].Requirements);
        Assert.Equal("review", claude.Capabilities[1].Name);
        Assert.False(claude.Capabilities[1].Preferred);
        Assert.Equal(new HealthCheck("docker", null, "docker info"), Assert.Single(claude.HealthChecks));
        Assert.Null(claude.Command);
        Assert.Equal(["--model", "opus"], claude.Args);
        Assert.Null(claude.Price);

        var custom = config.Agents[1];
        Assert.Equal(AgentCli.Custom, custom.Cli);
        Assert.Equal(1, custom.MaxConcurrency);
        Assert.Equal("/usr/local/bin/my-agent", custom.Command);
        Assert.Equal(["run", "{prompt}"], custom.Args);
        Assert.Equal(new HealthCheck("staging", "https://staging.example.com/health", null), Assert.Single(custom.HealthChecks));
        Assert.Equal(new TokenPrice(1.25, 10), custom.Price);
    }

    [Fact]
    public void Parse_SyntaxError_NamesFileAndLine()
    {
        var e = Assert.Throws<WorkerConfigException>(() => Parse("{\n  \"agents\": [\n    { \"name\": \"a\", },\n  ]\n}"));

        Assert.StartsWith("worker.json:3: not valid JSON", e.Message);
        Assert.Contains("Remove the comma", e.Message);
    }

    [Fact]
    public void Parse_NoAgentsArray_SaysWhatToWrite()
    {
        var e = Assert.Throws<WorkerConfigException>(() => Parse("""{"agent": []}"""));

        Assert.Equal($"worker.json:1: expected an object with an \"agents\" array, like {WorkerConfigFile.Example}.", e.Message);
    }

    [Fact]
    public void Parse_UnknownFields_NameTheClosestAtTheirLines()
    {
        var problems = Problems("""
        {
          "agents": [
            { "name": "a", "cli": "claude",
              "capabilites": [{ "name": "code", "weight": 0.9 }],
              "max_concurency": 2,
              "capabilities": [{ "name": "code", "wieght": 0.9 }],
              "health_checks": [{ "requirment": "x", "command": "true" }],
              "price": { "input": 1, "input_per_million": 1, "output_per_million": 2 },
              "zzzzzz": 1 }
          ],
          "agnets": 1
        }
        """);

        Assert.Contains("worker.json:11: agnets: unknown field \"agnets\"; did you mean \"agents\"?", problems);
        Assert.Contains("worker.json:4: agents[0].capabilites: unknown field \"capabilites\"; did you mean \"capabilities\"?", problems);
        Assert.Contains("worker.json:5: agents[0].max_concurency: unknown field \"max_concurency\"; did you mean \"max_concurrency\"?", problems);
        Assert.Contains("worker.json:6: agents[0].capabilities[0].wieght: unknown field \"wieght\"; did you mean \"weight\"?", problems);
        Assert.Contains("worker.json:7: agents[0].health_checks[0].requirment: unknown field \"requirment\"; did you mean \"requirement\"?", problems);
        Assert.Contains("worker.json:8: agents[0].price.input: unknown field \"input\"; the fields here are input_per_million, output_per_million.", problems);
        Assert.Contains("worker.json:9: agents[0].zzzzzz: unknown field \"zzzzzz\"; the fields here are name, cli, capabilities, max_concurrency, health_checks, command, args, price.", problems);
    }

    [Fact]
    public void Parse_SeveralBadAgents_ReportsEveryProblemWithItsLineAndTheServersRules()
    {
        var e = Assert.Throws<WorkerConfigException>(() => Parse("""
        {
          "agents": [
            { "name": "ok", "cli": "claude", "capabilities": [{ "name": "code", "weight": 0.9 }] },
            { "name": "bad name", "cli": "claud", "capabilities": [{ "name": "code", "weight": 1.5 }], "max_concurrency": 0 },
            { "name": "ok", "cli": "gemini", "capabilities": [] },
            { "cli": "custom", "capabilities": [{ "name": "code", "weight": "high", "requirements": ["db"] }],
              "health_checks": [{ "requirement": "db", "command": "pg_isready", "url": "http://localhost/health" },
                                { "requirement": "cache", "command": "redis-cli ping" }] },
            { "name": "agent_01HX0000000000000000000000", "cli": 3, "capabilities": [{ "name": "code", "weight": 0.1 }], "max_concurrency": 1.5,
              "price": { "input_per_million": -1 } }
          ]
        }
        """));

        var problems = e.Message.Split('\n');
        Assert.Equal($"worker.json has {problems.Length - 1} problems:", problems[0]);
        Assert.Equal(
        [
            "worker.json:4: agents[1].cli: \"claud\" is not a CLI Baton runs; did you mean \"claude\"? It must be one of \"claude\", \"gemini\", \"codex\", \"custom\" (custom: your own \"command\").",
            "worker.json:4: agents[1].name: 'bad name' must be letters, digits, '.', '_' or '-', starting with a letter or digit.",
            "worker.json:4: agents[1].capabilities[0].weight: must be from 0 to 1 (got 1.5).",
            "worker.json:4: agents[1].max_concurrency: must be between 1 and 100 (got 0).",
            "worker.json:5: agents[2].capabilities: at least one capability is required: [{\"name\": \"deploy-service\", \"weight\": 0.9}].",
            "worker.json:5: agents[2].name: \"ok\" is already the name of an earlier agent; each agent needs its own name.",
            "worker.json:6: agents[3].capabilities[0].weight: must be a number from 0 to 1, e.g. \"weight\": 0.8.",
            "worker.json:6: agents[3].name: is required. Write e.g. \"name\": \"claude-build-1\" (the agent's name in the registry).",
            "worker.json:7: agents[3].health_checks[0]: give exactly one of url (the server probes it) or command (the worker runs it).",
            "worker.json:8: agents[3].health_checks[1].requirement: 'cache' is not a requirement of any capability.",
            "worker.json:6: agents[3].command: is required for cli \"custom\": the executable to run, e.g. \"command\": \"/usr/local/bin/my-agent\" (\"args\" are its arguments; {prompt} is replaced by the prompt).",
            "worker.json:9: agents[4].cli: must be one of \"claude\", \"gemini\", \"codex\", \"custom\".",
            "worker.json:9: agents[4].max_concurrency: must be a whole number from 1 to 100 (default 1).",
            "worker.json:9: agents[4].name: must not look like an agent id (agent_…): ids and names are both accepted where an agent is named.",
            "worker.json:10: agents[4].price.input_per_million: must be a number ≥ 0 (US dollars per million tokens; got -1).",
            "worker.json:10: agents[4].price.output_per_million: is required: US dollars per million tokens, e.g. \"price\": {\"input_per_million\": 1.25, \"output_per_million\": 10}.",
        ], problems[1..]);
    }

    [Fact]
    public void Parse_WrongTypes_AreReportedOnceNotAlsoAsMissing()
    {
        var problems = Problems("""
        {"agents": [{ "name": 7, "cli": "codex", "capabilities": [{ "name": "code", "weight": 0.5, "preferred": "yes", "requirements": "docker" }],
                      "health_checks": {"requirement": "docker"}, "args": "--fast", "command": ["x"] }]}
        """);

        Assert.Equal(
        [
            "worker.json:1: agents[0].name: must be a string (got number 7).",
            "worker.json:1: agents[0].capabilities[0].preferred: must be true or false.",
            "worker.json:1: agents[0].capabilities[0].requirements: must be an array of strings, e.g. \"requirements\": [\"docker\"].",
            "worker.json:2: agents[0].health_checks: must be an array of objects, e.g. \"health_checks\": [{\"requirement\": \"docker\", \"command\": \"docker info\"}].",
            "worker.json:2: agents[0].command: must be a string (got array [\"x\"]).",
            "worker.json:2: agents[0].args: must be an array of strings, e.g. \"args\": [\"--model\"].",
        ], problems);
    }

    [Fact]
    public void Parse_NoAgents_IsAProblem()
    {
        var problems = Problems("""{"agents": []}""");

        Assert.Equal([$"worker.json:1: agents: lists no agent; a worker needs at least one, e.g. {WorkerConfigFile.Example}."], problems);
    }

    [Fact]
    public void Load_MissingFile_SaysWhatToWrite()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, WorkerConfigFile.DefaultFileName);

        var e = Assert.Throws<WorkerConfigException>(() => WorkerConfigFile.Load(path));

        Assert.Equal($"{path}: not found. `baton worker` runs the agents this file lists; write it, e.g. {WorkerConfigFile.Example}", e.Message);
    }

    [Fact]
    public void Load_ValidFile_ReadsIt()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, WorkerConfigFile.DefaultFileName);
        File.WriteAllText(path, WorkerConfigFile.Example);

        var agent = Assert.Single(WorkerConfigFile.Load(path).Agents);

        Assert.Equal("claude-build-1", agent.Name);
        Assert.Equal([], agent.HealthChecks);
        Assert.Equal([], agent.Args);
    }
}
