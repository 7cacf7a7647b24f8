using Baton.Core.Common;
using Baton.Core.Ventures;
using Baton.Core.Workflows;

namespace Baton.Client.Tests.Contract;

public abstract partial class ServiceContractTests
{
    [Fact]
    public async Task PutVenture_WithWorkflowSettings_ReturnsAndKeepsThem()
    {
        await using var services = await CreateServicesAsync();
        var settings = new WorkflowSettings(
            TestCommand: "make test", BaseUrl: "https://alpha.example.com", Endpoints: [new SmokeEndpoint("/api/orders", Critical: false)],
            MaxBounces: 4, HumanGates: [WorkflowState.Review, WorkflowState.Validate], MergeOnAccept: false, QaCapability: "qa-runner");

        var put = await services.Ventures.PutVentureAsync("gamma", new PutVentureRequest("Project Gamma", "gamma-org", ["api"], Workflow: settings), _ct);
        var got = await services.Ventures.GetVentureAsync("gamma", _ct);

        Assert.True(WorkflowSettingsRules.Same(settings, put.Workflow));
        Assert.True(WorkflowSettingsRules.Same(settings, got.Workflow));
        Assert.Equal([WorkflowState.Review, WorkflowState.Validate], got.Workflow!.HumanGates!);
    }

    [Fact]
    public async Task PutVenture_BadWorkflowSettings_NamesEachField()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Ventures.PutVentureAsync("gamma", new PutVentureRequest(
            "Project Gamma", "gamma-org", ["api"],
            Workflow: new WorkflowSettings(Endpoints: [new SmokeEndpoint("/healthz/deep")], MaxBounces: 11, HumanGates: [WorkflowState.Deploy])), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["workflow.endpoints[0].url", "workflow.human_gates[0]", "workflow.max_bounces"], error.Errors!.Keys.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<BatonException>(() => services.Ventures.GetVentureAsync("gamma", _ct));
    }
}
