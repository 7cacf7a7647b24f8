using System.Globalization;
using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Client;

// Workflows and sprints over HTTP (docs/architecture.md §17): the same IWorkflowService and ISprintService local mode
// calls in process.
public sealed partial class BatonHttpClient : IWorkflowService, ISprintService
{
    public Task<WorkflowInfo> StartWorkflowAsync(StartWorkflowRequest request, CancellationToken ct) =>
        SendAsync<WorkflowInfo>(HttpMethod.Post, "v1/workflows", request, ct);

    public Task<WorkflowInfo> GetWorkflowAsync(string id, CancellationToken ct) =>
        SendAsync<WorkflowInfo>(HttpMethod.Get, $"v1/workflows/{Segment(id)}", null, ct);

    public Task<Page<Workflow>> ListWorkflowsAsync(WorkflowListRequest request, CancellationToken ct) =>
        SendAsync<Page<Workflow>>(HttpMethod.Get, "v1/workflows" + Query(
            ("venture", request.Venture),
            ("state", request.State is { } state ? WorkflowMachine.Name(state) : null),
            ("sprint", request.Sprint),
            ("limit", request.Limit?.ToString(CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<WorkflowInfo> AdvanceWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct) =>
        SendAsync<WorkflowInfo>(HttpMethod.Post, $"v1/workflows/{Segment(id)}/advance", request, ct);

    public Task<WorkflowInfo> RejectWorkflowAsync(string id, GateDecisionRequest request, CancellationToken ct) =>
        SendAsync<WorkflowInfo>(HttpMethod.Post, $"v1/workflows/{Segment(id)}/reject", request, ct);

    public Task<SprintPlan> PlanSprintAsync(PlanSprintRequest request, CancellationToken ct) =>
        SendAsync<SprintPlan>(HttpMethod.Post, "v1/sprints/plan", request, ct);

    public Task<SprintInfo> StartSprintAsync(StartSprintRequest request, CancellationToken ct) =>
        SendAsync<SprintInfo>(HttpMethod.Post, "v1/sprints", request, ct);

    public Task<SprintInfo> GetSprintAsync(string id, CancellationToken ct) =>
        SendAsync<SprintInfo>(HttpMethod.Get, $"v1/sprints/{Segment(id)}", null, ct);

    public Task<Page<Sprint>> ListSprintsAsync(SprintListRequest request, CancellationToken ct) =>
        SendAsync<Page<Sprint>>(HttpMethod.Get, "v1/sprints" + Query(
            ("venture", request.Venture),
            ("limit", request.Limit?.ToString(CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);
}
