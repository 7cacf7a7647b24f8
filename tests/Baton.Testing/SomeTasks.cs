using Baton.Core.Common;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Testing;

/// <summary>Valid agents and tasks for the orchestrator's tests (unique names and ids, explicit times).</summary>
public static class SomeTasks
{
    /// <summary>An agent with one capability, registered and last seen at <paramref name="at"/>.</summary>
    public static Agent Agent(
        DateTimeOffset at,
        string capability = "deploy-service",
        double weight = 0.8,
        string? name = null,
        IReadOnlyList<string>? requirements = null,
        bool preferred = false,
        int maxConcurrency = 3,
        string? machineId = null) => new(
        Id: Some.Id(IdGenerator.Agent),
        Name: name ?? Some.Name("agent"),
        MachineId: machineId,
        Cli: AgentCli.Claude,
        Capabilities: [new AgentCapability(capability, weight, preferred, requirements ?? [])],
        HealthChecks: (requirements ?? []).Select(r => new HealthCheck(r, $"https://health.example/{r}", null)).ToList(),
        MaxConcurrency: maxConcurrency,
        RegisteredAt: at,
        UpdatedAt: at,
        LastHeartbeatAt: at,
        PausedUntil: null,
        PauseReason: null,
        RemovedAt: null,
        ActorKeyId: "0123456789abcdef");

    /// <summary>A new task (as a service drafts it: queued, epoch 0, attempt 0) created at <paramref name="at"/>.</summary>
    public static BatonTask Task(
        DateTimeOffset at,
        string venture = "alpha",
        string capability = "deploy-service",
        int priority = 5,
        IReadOnlyList<string>? dependsOn = null,
        string? repo = null,
        int maxAttempts = 3,
        int timeoutSeconds = 3600,
        DateTimeOffset? notBefore = null) => new(
        Id: Some.Id(IdGenerator.Task),
        Venture: venture,
        Repo: repo,
        Capability: capability,
        Title: Some.Text("deploy"),
        Prompt: "Deploy the service.",
        Payload: """{"service":"api"}""",
        Priority: priority,
        TimeoutSeconds: timeoutSeconds,
        MaxAttempts: maxAttempts,
        DependsOn: dependsOn ?? [],
        NotBefore: notBefore,
        MaxCostUsd: null,
        CreatedBy: "tester",
        CreatedAt: at,
        UpdatedAt: at,
        State: TaskState.Queued,
        Attempt: 0,
        Epoch: 0,
        AssignedAgent: null,
        AssignedAt: null,
        StartedAt: null,
        LeaseExpiresAt: null,
        RetryAt: null,
        Probe: false,
        LastFailedAgent: null,
        CancelRequested: false,
        Result: null,
        Error: null,
        FinishedAt: null,
        ActorKeyId: "0123456789abcdef");
}
