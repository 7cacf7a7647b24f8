using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Orchestration;
using Baton.Local.Settings;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton agents …</c> and <c>baton tasks …</c> as a person runs them, against the built binary, in local mode and in
/// server mode (a real <c>baton serve</c>). The worker's side — the long poll that takes an assigned task and starts
/// it — is played through the same services the CLI opens (<see cref="BatonConnection"/>) in the same mode.
/// </summary>
public abstract partial class OrchestrationProcessTests : IAsyncLifetime
{
    protected Workspace Workspace { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Workspace.Dispose();
        return Task.CompletedTask;
    }

    // ---- agents ----

    [Fact]
    public async Task Agents_RegisterListShowPauseResumeRemove_RoundTripsByName()
    {
        var register = await Workspace.RunAsync("agents", "register", "argocd-deployer", "--cli", "claude",
            "--capability", "deploy-service=0.9:argocd-healthy", "--capability", "code-review=0.6", "--preferred", "code-review",
            "--health-check", "argocd-healthy=https://health.example/argocd", "--max-concurrency", "2");
        var again = await Workspace.RunAsync("agents", "register", "argocd-deployer", "--cli", "claude", "--capability", "deploy-service=0.8", "--json");
        var list = await Workspace.RunAsync("agents", "list");
        var show = await Workspace.RunAsync("agents", "show", "argocd-deployer");
        var pause = await Workspace.RunAsync("agents", "pause", "argocd-deployer", "--until", "2h", "--reason", "rate limited");
        var paused = await Workspace.RunAsync("agents", "show", "argocd-deployer", "--json");
        var resume = await Workspace.RunAsync("agents", "resume", "argocd-deployer");
        var remove = await Workspace.RunAsync("agents", "remove", "argocd-deployer");
        var afterRemove = await Workspace.RunAsync("agents", "list");
        var withRemoved = await Workspace.RunAsync("agents", "list", "--removed", "--json");

        Assert.True(register.ExitCode == 0, register.ToString());
        var id = AgentId().Match(register.Out).Value;
        Assert.Contains($"Agent {id} registered: argocd-deployer (claude)", register.Out);
        Assert.Contains("code-review 0.6*", register.Out);
        Assert.True(again.ExitCode == 0, again.ToString());
        using (var json = JsonDocument.Parse(again.Out))
        {
            Assert.False(json.RootElement.GetProperty("created").GetBoolean());
            Assert.Equal(id, json.RootElement.GetProperty("agent").GetProperty("id").GetString());
        }
        Assert.Contains("argocd-deployer", list.Out);
        Assert.Contains("online", list.Out);
        Assert.Contains("1 agent", list.Out);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("deploy-service: weight 0.8", show.Out);
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Contains("Paused argocd-deployer", pause.Out);
        Assert.Contains("rate limited", pause.Out);
        using (var json = JsonDocument.Parse(paused.Out))
        {
            Assert.True(json.RootElement.GetProperty("paused").GetBoolean());
        }
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("Resumed argocd-deployer", resume.Out);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains("Deregistered argocd-deployer", remove.Out);
        Assert.Contains("0 agents", afterRemove.Out);
        using (var json = JsonDocument.Parse(withRemoved.Out))
        {
            Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task AgentsShow_HealthChecks_SaysWhatIsProbedAndThatNothingWasCheckedYet()
    {
        await Workspace.RunAsync("agents", "register", "argocd-deployer", "--cli", "codex",
            "--capability", "deploy-service=0.9:argocd-healthy,kube-reachable",
            "--health-check", "argocd-healthy=https://health.example/argocd", "--health-check", "kube-reachable=kubectl get nodes");

        var show = await Workspace.RunAsync("agents", "show", "argocd-deployer");

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("requires argocd-healthy, kube-reachable", show.Out);
        Assert.Contains("argocd-healthy: probe https://health.example/argocd — not checked yet", show.Out);
        Assert.Contains("kube-reachable: worker runs `kubectl get nodes` — not checked yet", show.Out);
    }

    [Fact]
    public async Task AgentsRegister_SeveralMistakes_ExitsTwoNamingEachOnce()
    {
        var result = await Workspace.RunAsync("agents", "register", "reviewer", "--cli", "claude",
            "--capability", "code-review", "--capability", "deploy=high", "--preferred", "triage", "--health-check", "nothing");
        var list = await Workspace.RunAsync("agents", "list", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(1, Regex.Count(result.Error, "--capability 'code-review' must be name=weight"));
        Assert.Equal(1, Regex.Count(result.Error, "the weight 'high' is not a number"));
        Assert.Equal(1, Regex.Count(result.Error, "--preferred 'triage' is not one of"));
        Assert.Equal(1, Regex.Count(result.Error, "--health-check 'nothing' must be"));
        using var json = JsonDocument.Parse(list.Out);
        Assert.Equal(0, json.RootElement.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task AgentsRegister_WeightOutOfRangeAndUnknownCli_AreRefusedWithWhatIsAllowed()
    {
        var weight = await Workspace.RunAsync("agents", "register", "reviewer", "--cli", "claude", "--capability", "code-review=1.5");
        var cli = await Workspace.RunAsync("agents", "register", "reviewer", "--cli", "claud", "--capability", "code-review=0.5");
        var unknown = await Workspace.RunAsync("agents", "pause", "nobody", "--until", "1h");
        var badTime = await Workspace.RunAsync("agents", "pause", "nobody", "--until", "soon");

        Assert.Equal(1, weight.ExitCode);
        Assert.Contains("validation_failed", weight.Error);
        Assert.Contains("capabilities[0].weight", weight.Error);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("claude", cli.Error);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("agent_not_found", unknown.Error);
        Assert.Contains("baton agents list", unknown.Error);
        Assert.Equal(2, badTime.ExitCode);
        Assert.Contains("--until 'soon' must be a duration from now", badTime.Error);
    }

    // ---- tasks ----

    [Fact]
    public async Task Tasks_AddTakenByTheWorker_ShowListAndExplainWhyThisAgentGotIt()
    {
        var strong = await RegisterAsync("argocd-deployer", "deploy-service=0.9");
        var weak = await RegisterAsync("kubectl-deployer", "deploy-service=0.7");
        var add = await Workspace.RunAsync("tasks", "add", "--capability", "deploy-service", "--title", "Deploy api v2",
            "--prompt", "Roll out api v2 to staging.", "--payload", """{"service":"api"}""", "--priority", "7");
        var id = TaskIdIn(add);
        await TakeAndStartAsync(strong);

        var explain = await Workspace.RunAsync("tasks", "explain", id);
        var explainJson = await Workspace.RunAsync("tasks", "explain", id, "--json");
        var show = await Workspace.RunAsync("tasks", "show", id);
        var list = await Workspace.RunAsync("tasks", "list", "--venture", "alpha");
        var listJson = await Workspace.RunAsync("tasks", "list", "--capability", "deploy-service", "--json");

        Assert.Contains("for alpha", add.Out); // no --venture: the venture that owns the git remote here
        Assert.True(explain.ExitCode == 0, explain.ToString());
        Assert.Contains($"Assignment 1 of 1", explain.Out);
        Assert.Contains($"argocd-deployer ({strong})", explain.Out);
        var chosen = LineWith(explain.Out, "chosen");
        Assert.Contains("argocd-deployer", chosen);
        Assert.Contains("0.9", chosen);
        Assert.Contains("0.7", LineWith(explain.Out, "kubectl-deployer"));
        Assert.Contains("score = weight × health × success", explain.Out);
        using (var json = JsonDocument.Parse(explainJson.Out))
        {
            var cards = json.RootElement.GetProperty("assignments")[0].GetProperty("cards").EnumerateArray()
                .ToDictionary(c => c.GetProperty("agent_id").GetString()!, c => (c.GetProperty("score").GetDouble(), c.GetProperty("chosen").GetBoolean()));
            Assert.Equal(new Dictionary<string, (double, bool)> { [strong] = (0.9, true), [weak] = (0.7, false) }, cards);
        }
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("title: Deploy api v2", show.Out);
        Assert.Contains("dispatcher", show.Out);
        Assert.Contains("Events (", show.Out);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);
        Assert.Contains("1 task", list.Out);
        Assert.Contains("By state: waiting 0, queued 0,", list.Out);
        using (var json = JsonDocument.Parse(listJson.Out))
        {
            Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
            Assert.Equal(1, json.RootElement.GetProperty("counts").GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task Tasks_NobodyCanTakeIt_ExplainSaysSoThenCancelAndRetry()
    {
        var add = await Workspace.RunAsync("tasks", "add", "--venture", "alpha", "--capability", "translate", "--title", "Translate the docs", "--json");
        string id;
        using (var json = JsonDocument.Parse(add.Out)) id = json.RootElement.GetProperty("id").GetString()!;

        var explain = await Workspace.RunAsync("tasks", "explain", id);
        var queued = await Workspace.RunAsync("tasks", "list", "--state", "queued");
        var cancel = await Workspace.RunAsync("tasks", "cancel", id, "--reason", "not needed after all");
        var cancelled = await Workspace.RunAsync("tasks", "list", "--state", "cancelled", "--json");
        var retry = await Workspace.RunAsync("tasks", "retry", id);
        var show = await Workspace.RunAsync("tasks", "show", id, "--json");

        Assert.True(explain.ExitCode == 0, explain.ToString());
        Assert.Contains("Not assigned yet", explain.Out);
        Assert.Contains("1 task", queued.Out);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"Cancelled {id}", cancel.Out);
        using (var json = JsonDocument.Parse(cancelled.Out))
        {
            Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
            Assert.Equal(1, json.RootElement.GetProperty("counts").GetProperty("cancelled").GetInt64());
        }
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Contains($"Retrying {id}: queued", retry.Out);
        using (var json = JsonDocument.Parse(show.Out))
        {
            Assert.Equal("queued", json.RootElement.GetProperty("task").GetProperty("state").GetString());
            var reasons = json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("reason").GetString()).ToList();
            Assert.Contains(reasons, r => r!.Contains("not needed after all", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task TasksAdd_Mistakes_AreNamedEachOnceAndNothingIsAdded()
    {
        var local = await Workspace.RunAsync("tasks", "add", "--capability", "review", "--title", "Review", "--payload", "[1,2]", "--not-before", "later");
        var server = await Workspace.RunAsync("tasks", "add", "--capability", "review", "--title", "Review", "--priority", "11");
        var state = await Workspace.RunAsync("tasks", "list", "--state", "quued");
        var unknown = await Workspace.RunAsync("tasks", "show", "task_01J00000000000000000000000");
        var list = await Workspace.RunAsync("tasks", "list", "--json");

        Assert.Equal(2, local.ExitCode);
        Assert.Equal(1, Regex.Count(local.Error, "--payload must be a JSON object"));
        Assert.Equal(1, Regex.Count(local.Error, "--not-before 'later' must be"));
        Assert.Equal(1, server.ExitCode);
        Assert.Contains("validation_failed", server.Error);
        Assert.Contains("priority", server.Error);
        Assert.Equal(2, state.ExitCode);
        Assert.Contains("queued", state.Error);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("task_not_found", unknown.Error);
        Assert.Contains("baton tasks list", unknown.Error);
        using var json = JsonDocument.Parse(list.Out);
        Assert.Equal(0, json.RootElement.GetProperty("total").GetInt64());
    }

    // ---- helpers ----

    private async Task<string> RegisterAsync(string name, string capability)
    {
        var result = await Workspace.RunAsync("agents", "register", name, "--cli", "claude", "--capability", capability, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        return json.RootElement.GetProperty("agent").GetProperty("id").GetString()!;
    }

    /// <summary>What the agent's worker does: the long poll answers the task the dispatcher assigned, and it starts it under the epoch.</summary>
    private async Task TakeAndStartAsync(string agentId)
    {
        var environment = new Dictionary<string, string>(Workspace.Environment) { [BatonSettingsLoader.DataDirVariable] = Workspace.DataDir };
        var settings = BatonSettingsLoader.Load(new Dictionary<string, string>(), environment);
        // A worker is a long-running process: in local mode its host runs the dispatcher (one-shot verbs start no
        // background services, so a `baton tasks add` alone assigns nothing until such a process runs).
        await using var connection = await BatonConnection.OpenAsync(settings, TestTimeouts.Token(), longRunning: true);
        var next = await connection.Agents.NextTaskAsync(agentId, new NextTaskRequest(25), TestTimeouts.Token());
        Assert.NotNull(next.Task);
        await connection.Tasks.StartTaskAsync(next.Task.Id, new LeaseRequest(next.Task.Epoch), TestTimeouts.Token());
    }

    private static string TaskIdIn(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var match = TaskId().Match(result.Out);
        Assert.True(match.Success, "no task_ id in:\n" + result);
        return match.Value;
    }

    private static string LineWith(string text, string needle) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(needle, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line with {needle} in:\n{text}");

    [GeneratedRegex(@"task_[0-9A-Z]{26}")]
    private static partial Regex TaskId();

    [GeneratedRegex(@"agent_[0-9A-Z]{26}")]
    private static partial Regex AgentId();
}

public sealed class LocalOrchestrationProcessTests : OrchestrationProcessTests;

/// <summary>The orchestrator's verbs in server mode, through a real <c>baton serve</c> with the admin key.</summary>
public sealed class ServerOrchestrationProcessTests : OrchestrationProcessTests
{
    private ServeProcess _server = null!;

    public override async Task InitializeAsync()
    {
        // No probing of health-check URLs: the tests register made-up URLs and assert "not checked yet", which a probe
        // round (every 30 s by default) could answer mid-test; the probes are tested in HealthProbeServiceTests.
        _server = await Workspace.StartServeAsync("--health-probe-seconds", "0");
        Workspace.Environment["BATON_URL"] = _server.BaseAddress.ToString();
        Workspace.Environment["BATON_KEY"] = _server.ReadAdminKey();
    }

    public override async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }
}
