using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Workflows;

/// <summary>
/// Local implementation of <see cref="ISprintService"/> (docs/architecture.md §17): plan a venture's issues into waves
/// (read with gh; nothing stored), start a sprint (the engine starts its first wave), and read one with its report.
/// A venture-scoped key acts only for its venture's sprints.
/// </summary>
internal sealed class SprintService(
    IWorkflowStore store,
    ITaskService tasks,
    IVentureStore ventures,
    IGitHub github,
    BatonCore core,
    Caller caller) : ISprintService
{
    /// <summary>The most issues one sprint takes (each is read with its own gh call when given by number).</summary>
    public const int MaxIssues = 100;

    public async Task<SprintPlan> PlanSprintAsync(PlanSprintRequest request, CancellationToken ct) =>
        await PlanAsync(request.Venture, request.Issues, request.Label, request.Repo, ct);

    public async Task<SprintInfo> StartSprintAsync(StartSprintRequest request, CancellationToken ct)
    {
        var plan = await PlanAsync(request.Venture, request.Issues, request.Label, request.Repo, ct);
        var items = new List<SprintItem>();
        for (var wave = 0; wave < plan.Waves.Count; wave++)
        {
            foreach (var issue in plan.Waves[wave])
                items.Add(new SprintItem(issue.Number, issue.Title, wave, issue.DependsOn, SprintItemState.Pending, [], null, null));
        }
        var now = core.Now();
        var sprint = new Sprint(core.Ids.New(WorkflowIds.Sprint), plan.Venture, plan.Repo, request.Mode ?? SprintMode.Workflow, SprintState.Running,
            items, 0, plan.Waves.Count, caller.ActorKeyId, now, now, null, 1);
        await store.InsertSprintAsync(sprint, ct);
        return new SprintInfo(sprint, await ReportAsync(sprint, ct));
    }

    public async Task<SprintInfo> GetSprintAsync(string id, CancellationToken ct)
    {
        var sprint = (string.IsNullOrWhiteSpace(id) ? null : await store.FindSprintOrNullAsync(id.Trim(), ct))
                     ?? throw new BatonException(ErrorCodes.SprintNotFound, $"There is no sprint '{id}'. `baton sprint list` shows them.");
        caller.EnsureMayActFor(sprint.Venture);
        return new SprintInfo(sprint, await ReportAsync(sprint, ct));
    }

    public async Task<Page<Sprint>> ListSprintsAsync(SprintListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var venture = caller.ScopeFilter(string.IsNullOrEmpty(request.Venture) ? null : request.Venture);
        return await store.ListSprintsAsync(new SprintQuery(new PageRequest(limit, request.Cursor), venture), ct);
    }

    private async Task<SprintPlan> PlanAsync(string? ventureCode, IReadOnlyList<int>? numbers, string? label, string? repoText, CancellationToken ct)
    {
        var v = new Validator();
        var code = v.VentureCode("venture", ventureCode);
        var labelText = v.Text("label", label, 100);
        var repoGiven = v.Text("repo", repoText, 200);
        var given = numbers ?? [];
        if (given.Count == 0 && string.IsNullOrEmpty(labelText)) v.Add("issues", "give the sprint's issues by number, or a label (every open issue with it).");
        if (given.Count > 0 && !string.IsNullOrEmpty(labelText)) v.Add("label", "give issues or a label, not both.");
        if (given.Count > MaxIssues) v.Add("issues", $"must have at most {MaxIssues} entries (got {given.Count}).");
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] <= 0) v.Add($"issues[{i}]", $"must be an issue number, 1 or more (got {given[i]}).");
        }
        v.ThrowIfAny();

        caller.EnsureMayActFor(code);
        var venture = await VentureRules.FindOrThrowAsync(ventures, code, ct);
        string repo;
        if (!string.IsNullOrEmpty(repoGiven)) repo = VentureRules.NormalizeRepo(repoGiven, venture);
        else if (venture.Repos.Count > 0) repo = venture.PrimaryRepo;
        else throw BatonException.Validation("repo", $"venture {venture.Code} has no repos registered: pass repo (org/name).");

        var issues = new List<GitHubIssue>();
        try
        {
            if (given.Count > 0)
            {
                foreach (var number in given.Distinct()) issues.Add(await github.GetIssueAsync(repo, number, ct));
            }
            else
            {
                issues.AddRange(await github.ListIssuesAsync(repo, labelText!, ct));
            }
        }
        catch (GitHubException ex)
        {
            throw new BatonException(ErrorCodes.GitHubFailed, $"gh could not read the sprint's issues in {repo}: {ex.Message}");
        }
        if (issues.Count == 0) throw BatonException.Validation("label", $"{repo} has no open issue labelled '{labelText}'.");
        if (issues.Count > MaxIssues) throw BatonException.Validation("label", $"{repo} has {issues.Count} open issues labelled '{labelText}'; a sprint takes at most {MaxIssues}.");
        return SprintWaves.Plan(venture.Code, repo, issues);
    }

    /// <summary>
    /// Counts by state; retried = items with a second run; the time from the start to the end (or now); spend = the
    /// cost of every attempt of every task the items' runs used — a task run's own results, a workflow run's every
    /// step task its events name — summed in micro-dollars as spend sums them.
    /// </summary>
    private async Task<SprintReport> ReportAsync(Sprint sprint, CancellationToken ct)
    {
        var taskIds = new List<string>();
        foreach (var run in sprint.Items.SelectMany(i => i.Runs))
        {
            if (IdGenerator.IsId(run, IdGenerator.Task)) taskIds.Add(run);
            else if (IdGenerator.IsId(run, WorkflowIds.Workflow))
            {
                foreach (var e in await store.ListWorkflowEventsAsync(run, ct))
                    if (e.TaskId is { } t) taskIds.Add(t);
            }
        }
        long micros = 0;
        var counted = 0;
        foreach (var taskId in taskIds.Distinct(StringComparer.Ordinal))
        {
            ListResult<TaskResult> results;
            try
            {
                results = await tasks.ListTaskResultsAsync(taskId, ct);
            }
            catch (BatonException ex) when (ex.Code == ErrorCodes.TaskNotFound)
            {
                continue; // named by the workflow before it was created
            }
            counted++;
            foreach (var r in results.Items)
                if (r.Usage?.CostUsd is { } cost) micros += BudgetRule.Micros(cost);
        }
        var end = sprint.FinishedAt ?? core.Now();
        var elapsed = Math.Max(0, (long)(end - sprint.CreatedAt).TotalSeconds);
        var items = sprint.Items;
        return new SprintReport(items.Count,
            items.Count(i => i.State == SprintItemState.Merged),
            items.Count(i => i.State == SprintItemState.Failed),
            items.Count(i => i.Runs.Count >= 2),
            items.Count(i => i.State == SprintItemState.Running),
            items.Count(i => i.State == SprintItemState.Pending),
            elapsed, micros / 1_000_000d, counted);
    }
}
