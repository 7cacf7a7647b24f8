using System.Text.Json;
using Baton.Cli.Tests.Worker;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;

namespace Baton.Cli.Tests.Workflows;

/// <summary>
/// A project workflow's whole world, real but the agent CLIs and GitHub: a <see cref="WorkerWorld"/> (real server, real
/// worker, real git origin and clone) with the stateful fake gh first on PATH for the server and the worker, issue
/// #42 on it, a real HTTP service for VALIDATE's smoke checks, the venture's test and deploy commands as scripts the
/// test switches between passing and failing, and four fake Claude agents — planner, reviewer, coder, runner — whose
/// answers each test scripts (<see cref="FakeAgentClis.Answers"/>).
/// </summary>
public sealed class WorkflowScene : IAsyncDisposable
{
    public const string Issue = "example-org/alpha-console#42";

    public const string GoodPlan = "## Plan\n\n1. Add the dark-mode toggle to the settings page.\n2. Test it with a unit test.";

    public const string Approve = "{\"approved\": true, \"concerns\": [], \"suggestions\": [\"name the CSS variables\"]}";

    public const string Reject = "```json\n{\"approved\": false, \"concerns\": [\"the plan has no tests for the toggle\"], \"suggestions\": []}\n```";

    private WorkflowScene(WorkerWorld world, SmokeTargetServer smoke)
    {
        World = world;
        Smoke = smoke;
        GitHub = world.GitHub!;
        Answers = Path.Combine(world.Root, "answers");
        GitHub.AddIssue(WorkerWorld.Repo, 42, "Add dark mode", "Users want a dark theme. It must be toggled from settings.");
    }

    public WorkerWorld World { get; }
    public SmokeTargetServer Smoke { get; }
    public FakeGitHub GitHub { get; }
    public string Answers { get; }
    public WorkerProcess? Worker { get; private set; }

    public string AnswersOf(string agent) => Path.Combine(Answers, agent);

    /// <summary>A world whose venture runs workflows with these settings (max_bounces, human gates).</summary>
    public static async Task<WorkflowScene> StartAsync(int maxBounces = 2, string humanGates = "[]", int leaseSeconds = 10, string? postgresUrl = null)
    {
        var smoke = new SmokeTargetServer();
        var root = Path.Combine(Path.GetTempPath(), "baton-wf-scripts-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var workflow = new Dictionary<string, object>
        {
            ["test_command"] = "sh " + Path.Combine(root, "tests.sh"),
            ["deploy_command"] = "sh " + Path.Combine(root, "deploy.sh"),
            ["base_url"] = smoke.BaseUrl,
            ["max_bounces"] = maxBounces,
            ["human_gates"] = JsonDocument.Parse(humanGates).RootElement,
        };
        var ventures = "{\"ventures\":[{\"code\":\"alpha\",\"name\":\"Project Alpha\",\"org\":\"example-org\",\"repos\":[\"alpha-console\"],\"workflow\":"
                       + JsonSerializer.Serialize(workflow) + "}]}";
        var world = await WorkerWorld.StartAsync(leaseSeconds, ventures, fakeGitHub: true, postgresUrl);
        var scene = new WorkflowScene(world, smoke) { _scripts = root };
        scene.TestsPass();
        scene.DeployWorks();
        scene.Script(AgentPlanner, ("", GoodPlan));
        scene.Script(AgentReviewer, ("", Approve));
        scene.Script(AgentCoder, (FakeAgentClis.Commit, "Implemented the toggle with a test."));
        return scene;
    }

    private string _scripts = "";

    public const string AgentPlanner = "planner";
    public const string AgentReviewer = "reviewer";
    public const string AgentCoder = "coder";
    public const string AgentRunner = "runner";

    /// <summary>The agent's answers, in turn (the last repeats).</summary>
    public void Script(string agent, params (string Directives, string Message)[] answers) => FakeAgentClis.WriteAnswers(AnswersOf(agent), answers);

    /// <summary>The test command writes a passing JUnit report (after <paramref name="sleepSeconds"/>) and exits 0.</summary>
    public void TestsPass(int sleepSeconds = 0) => WriteScript("tests.sh", sleepSeconds, TestReportFixtures.Command(0, (TestReportFixtures.JUnitPass, "test-results/TEST-unit.xml")));

    /// <summary>The test command writes a JUnit report with failures and exits 1 — once, then it passes again.</summary>
    public void TestsFailOnce()
    {
        File.WriteAllText(Path.Combine(_scripts, "tests-pass.sh"), TestReportFixtures.Command(0, (TestReportFixtures.JUnitPass, "test-results/TEST-unit.xml")));
        File.WriteAllText(Path.Combine(_scripts, "tests-fail.sh"), TestReportFixtures.Command(1, (TestReportFixtures.JUnitFailures, "test-results/TEST-unit.xml")));
        var marker = Path.Combine(_scripts, "fail-once");
        File.WriteAllText(marker, "");
        File.WriteAllText(Path.Combine(_scripts, "tests.sh"),
            $"if [ -f '{marker}' ]; then rm -f '{marker}'; sh '{Path.Combine(_scripts, "tests-fail.sh")}'; exit $?; fi\nsh '{Path.Combine(_scripts, "tests-pass.sh")}'\n");
    }

    public void DeployWorks(int sleepSeconds = 0) => WriteScript("deploy.sh", sleepSeconds, "echo \"deployed $BATON_BRANCH\"\n");

    private void WriteScript(string name, int sleepSeconds, string body) =>
        File.WriteAllText(Path.Combine(_scripts, name), (sleepSeconds > 0 ? $"sleep {sleepSeconds}\n" : "") + body);

    /// <summary>Starts the worker with the four agents.</summary>
    public WorkerProcess StartWorker()
    {
        string Agent(string name, string capabilities) =>
            $$"""{"name": "{{name}}", "cli": "claude", "capabilities": [{{capabilities}}], "max_concurrency": 2, "args": [{{JsonSerializer.Serialize(FakeAgentClis.Answers(AnswersOf(name)))}}]}""";
        var config = $$"""{"agents": [{{string.Join(", ",
            Agent(AgentPlanner, """{"name": "plan", "weight": 0.9}"""),
            Agent(AgentReviewer, """{"name": "review-plan", "weight": 0.9}"""),
            Agent(AgentCoder, """{"name": "code", "weight": 0.9}"""),
            Agent(AgentRunner, """{"name": "qa", "weight": 0.9}, {"name": "deploy", "weight": 0.9}"""))}}]}""";
        Worker = World.StartWorker(config);
        return Worker;
    }

    public Task<WorkflowInfo> StartWorkflowAsync(int? maxBounces = null) =>
        World.Client.StartWorkflowAsync(new StartWorkflowRequest(Issue, MaxBounces: maxBounces), TestTimeouts.Token());

    /// <summary>Polls the workflow (the server's answer, not a guessed sleep) until <paramref name="done"/> holds.</summary>
    /// <param name="within">How long to wait (default <see cref="TestTimeouts.Default"/>).</param>
    public async Task<WorkflowInfo> WaitForAsync(string id, Func<WorkflowInfo, bool> done, string what, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TestTimeouts.Default);
        WorkflowInfo? info = null;
        while (true)
        {
            try
            {
                info = await World.Client.GetWorkflowAsync(id, timeout.Token);
                if (done(info)) return info;
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"workflow {id} never became {what}: it is {(info is null ? "unread" : Describe(info))}\n--- server\n{World.Server.Output}\n--- worker\n{Worker?.Output}");
            }
            catch (BatonException ex) when (ex.Code == ErrorCodes.Unavailable && !timeout.IsCancellationRequested)
            {
                await Task.Delay(100, timeout.Token); // the server is restarting
            }
        }
    }

    public Task<WorkflowInfo> WaitForStateAsync(string id, WorkflowState state) =>
        WaitForAsync(id, w => w.Workflow.State == state, WorkflowMachine.Name(state));

    public static string Describe(WorkflowInfo info) =>
        $"{WorkflowMachine.Name(info.Workflow.State)} (bounces {info.Workflow.Bounces}, step task {info.Workflow.StepTaskId}, waiting {info.Workflow.WaitingForHuman}, reason {info.Workflow.Reason})\n" +
        string.Join("\n", info.Events.Select(e => $"  {e.Seq} {e.From}->{e.To} {e.Trigger}: {e.Reason}")) + "\n" +
        string.Join("\n", info.Effects.Select(e => $"  effect {e.Kind} done={e.DoneAt is not null} attempts={e.Attempts} error={e.LastError}"));

    /// <summary>Every task the workflow's steps made, by step number (the payload's <c>step</c>).</summary>
    public async Task<IReadOnlyList<BatonTask>> StepTasksAsync(string workflowId)
    {
        var page = await World.Client.ListTasksAsync(new TaskListRequest("alpha", Limit: 200), TestTimeouts.Token());
        return page.Items.Where(t => JsonDocument.Parse(t.Payload).RootElement.TryGetProperty("workflow", out var w) && w.GetString() == workflowId)
            .OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Waits until every GitHub effect of the workflow is done (the outbox drained).</summary>
    public Task<WorkflowInfo> WaitForEffectsAsync(string id, TimeSpan? within = null) =>
        WaitForAsync(id, w => w.Effects.Count > 0 && w.Effects.All(e => e.DoneAt is not null), "done with its GitHub effects", within);

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync();
        await Smoke.DisposeAsync();
        try
        {
            Directory.Delete(_scripts, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
