using System.Text;
using Baton.Core.Ventures;
using Baton.Core.Workflows;
using Baton.Local.Settings;

namespace Baton.Core.Tests.Workflows;

/// <summary>A venture's <c>workflow</c> block in ventures.json (docs/architecture.md §3, §17): read, and each bad field named at its line.</summary>
public class VentureWorkflowSettingsTests
{
    private static IReadOnlyList<Venture> Parse(string json) => VentureRegistryFile.Parse("ventures.json", Encoding.UTF8.GetBytes(json));

    /// <summary>A venture whose workflow block is <paramref name="block"/>, each key of it from line 3 on.</summary>
    private static string File(string block) => "{\"ventures\": [\n  {\"code\": \"alpha\", \"name\": \"A\", \"org\": \"o\",\n   \"workflow\": " + block + "}\n]}";

    [Fact]
    public void Parse_GoodWorkflowBlock_ReadsEveryField()
    {
        var alpha = Assert.Single(Parse("""
            {
              "ventures": [
                { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["api"],
                  "workflow": {
                    "test_command": "dotnet test --logger trx",
                    "test_reports": ["**/*.trx", "web/test-results/*.json"],
                    "deploy_command": "./deploy.sh staging",
                    "base_url": "https://alpha.example.com",
                    "endpoints": [{ "url": "/api/orders" }, { "url": "https://cdn.example.com/app.js", "critical": false }],
                    "max_bounces": 3,
                    "human_gates": ["review", "validate"],
                    "merge_on_accept": false,
                    "plan_capability": "planner",
                    "review_capability": "plan.review",
                    "code_capability": "code-fast",
                    "qa_capability": "qa_runner",
                    "deploy_capability": "argocd",
                    "deploy_command_capability": "shell"
                  } }
              ]
            }
            """));

        var w = alpha.Workflow!;
        Assert.Equal(("dotnet test --logger trx", "./deploy.sh staging", "https://alpha.example.com", 3, false),
            (w.TestCommand, w.DeployCommand, w.BaseUrl, w.MaxBounces, w.MergeOnAccept));
        Assert.Equal(["**/*.trx", "web/test-results/*.json"], w.TestReports!);
        Assert.Equal([new SmokeEndpoint("/api/orders", true), new SmokeEndpoint("https://cdn.example.com/app.js", false)], w.Endpoints!);
        Assert.Equal([WorkflowState.Review, WorkflowState.Validate], w.HumanGates!);
        Assert.Equal(("planner", "plan.review", "code-fast", "qa_runner", "argocd", "shell"),
            (w.PlanCapability, w.ReviewCapability, w.CodeCapability, w.QaCapability, w.DeployCapability, w.DeployCommandCapability));
    }

    [Fact]
    public void Parse_NoWorkflowBlock_LeavesItNull_AndAnEmptyOneIsTheDefaults()
    {
        Assert.Null(Assert.Single(Parse("""{"ventures":[{"code":"alpha","name":"A","org":"o"}]}""")).Workflow);

        var empty = Assert.Single(Parse(File("{}"))).Workflow!;

        Assert.True(WorkflowSettingsRules.Same(WorkflowSettings.Default, empty));
    }

    [Theory]
    [InlineData("\"test_command\": 5", "ventures[0].workflow.test_command: must be a string.")]
    [InlineData("\"test_reports\": \"*.trx\"", "ventures[0].workflow.test_reports: must be an array of globs")]
    [InlineData("\"test_reports\": [\"/abs/*.xml\"]", "ventures[0].workflow.test_reports[0]: \"/abs/*.xml\" must be relative to the worktree")]
    [InlineData("\"deploy_command\": \"   \"", "ventures[0].workflow.deploy_command: is empty; leave it out instead.")]
    [InlineData("\"base_url\": \"alpha.example.com\"", "ventures[0].workflow.base_url: \"alpha.example.com\" must be an absolute http(s) URL")]
    [InlineData("\"endpoints\": [{\"url\": \"/healthz/deep\"}]", "ventures[0].workflow.endpoints[0].url: \"/healthz/deep\" is a path: give \"base_url\" too")]
    [InlineData("\"endpoints\": [{\"url\": \"ftp://example.com/x\"}]", "ventures[0].workflow.endpoints[0].url: \"ftp://example.com/x\" must be an absolute http(s) URL or a path starting with '/'.")]
    [InlineData("\"endpoints\": [{\"url\": \"https://a.example.com\", \"critical\": \"yes\"}]", "ventures[0].workflow.endpoints[0].critical: must be true or false.")]
    [InlineData("\"endpoints\": [{\"url\": \"https://a.example.com\", \"critcal\": false}]", "ventures[0].workflow.endpoints[0]: unknown field \"critcal\"; did you mean \"critical\"?")]
    [InlineData("\"endpoints\": [{\"critical\": false}]", "ventures[0].workflow.endpoints[0].url: is required")]
    [InlineData("\"endpoints\": [\"https://a.example.com\"]", "ventures[0].workflow.endpoints[0]: must be an object like")]
    [InlineData("\"max_bounces\": 11", "ventures[0].workflow.max_bounces: must be 0–10 (got 11).")]
    [InlineData("\"max_bounces\": -1", "ventures[0].workflow.max_bounces: must be 0–10 (got -1).")]
    [InlineData("\"max_bounces\": 1.5", "ventures[0].workflow.max_bounces: must be a whole number 0–10.")]
    [InlineData("\"human_gates\": [\"deploy\"]", "ventures[0].workflow.human_gates[0]: \"deploy\" is not a gate; the gates are review, qa, validate.")]
    [InlineData("\"human_gates\": \"review\"", "ventures[0].workflow.human_gates: must be an array of gates (review, qa, validate).")]
    [InlineData("\"merge_on_accept\": \"yes\"", "ventures[0].workflow.merge_on_accept: must be true or false.")]
    [InlineData("\"plan_capability\": \"plan it\"", "ventures[0].workflow.plan_capability: must be a capability name")]
    [InlineData("\"deploy_command_capability\": \"-x\"", "ventures[0].workflow.deploy_command_capability: must be a capability name")]
    [InlineData("\"test_comand\": \"make test\"", "ventures[0].workflow: unknown field \"test_comand\"; did you mean \"test_command\"?")]
    public void Parse_BadWorkflowField_IsNamedWithItsLine(string member, string expected)
    {
        var e = Assert.Throws<VentureFileException>(() => Parse(File("{\n    " + member + "\n   }")));

        Assert.Contains("ventures.json has 1 problem:", e.Message, StringComparison.Ordinal);
        Assert.Contains("ventures.json:4: " + expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommandOverTheLimit_IsNamedWithItsLength()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse(File("{\n    \"test_command\": \"" + new string('x', 2001) + "\"\n   }")));

        Assert.Contains("ventures.json:4: ventures[0].workflow.test_command: is 2,001 characters; at most 2,000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WorkflowNotAnObject_IsNamedWithItsLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse(File("[\"review\"]")));

        Assert.Contains("ventures.json:3: ventures[0].workflow: must be an object like", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralBadWorkflowFields_ReportsEachAtItsOwnLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse(File("""
            {
                "max_bounces": 12,
                "endpoints": [
                  { "url": "/ok" },
                  { "url": "mailto:x@example.com" }
                ],
                "human_gates": ["qa", "accepted"]
               }
            """)));

        Assert.Contains("ventures.json has 4 problems:", e.Message, StringComparison.Ordinal);
        Assert.Contains("ventures.json:4: ventures[0].workflow.max_bounces: must be 0–10 (got 12).", e.Message, StringComparison.Ordinal);
        Assert.Contains("ventures.json:6: ventures[0].workflow.endpoints[0].url: \"/ok\" is a path", e.Message, StringComparison.Ordinal);
        Assert.Contains("ventures.json:7: ventures[0].workflow.endpoints[1].url: \"mailto:x@example.com\" must be an absolute http(s) URL", e.Message, StringComparison.Ordinal);
        Assert.Contains("ventures.json:9: ventures[0].workflow.human_gates[1]: \"accepted\" is not a gate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_OfTheApi_NameNonGateStatesAndNullCapabilities()
    {
        var problems = WorkflowSettingsRules.Problems(new WorkflowSettings(HumanGates: [WorkflowState.Qa, WorkflowState.InProgress], CodeCapability: null!));

        Assert.Equal(["human_gates[1]", "code_capability"], problems.Select(p => p.Field));
        Assert.Contains("\"in_progress\" is not a gate", problems[0].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_WorkflowSettingsDiffer_IsAChange_AndEqualOnesAreNot()
    {
        var stored = new Venture("alpha", "A", "o", [], [], null, null, false, [], Workflow: new WorkflowSettings(Endpoints: [new SmokeEndpoint("https://a.example.com/x")]));
        var same = stored with { Workflow = new WorkflowSettings(Endpoints: [new SmokeEndpoint("https://a.example.com/x")]) };
        var other = stored with { Workflow = new WorkflowSettings(Endpoints: [new SmokeEndpoint("https://a.example.com/x", Critical: false)]) };

        Assert.Empty(VentureRegistry.Changed([same], [stored]));
        Assert.Single(VentureRegistry.Changed([other], [stored]));
        Assert.Single(VentureRegistry.Changed([stored with { Workflow = null }], [stored]));
    }
}
