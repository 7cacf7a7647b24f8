using Baton.Core.Common;


namespace Baton.Core.Ventures;

/// <summary>Local implementation of <see cref="IVentureService"/>: the venture registry as the store holds it.</summary>
internal sealed class VentureService(IVentureStore ventures, Caller caller) : IVentureService
{
    public Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) => ventures.ListVenturesAsync(ct);

    public Task<Venture> GetVentureAsync(string code, CancellationToken ct) => VentureRules.FindOrThrowAsync(ventures, code, ct);

    public async Task<Venture> PutVentureAsync(string code, PutVentureRequest request, CancellationToken ct)
    {
        caller.EnsureAdmin("Registering a venture");
        var v = new Validator();
        code = v.VentureCode("code", code);
        if (code == Venture.Global) v.Add("code", $"'{Venture.Global}' is reserved for cross-venture things.");
        var name = v.Required("name", request.Name, 200);
        var org = v.Required("org", request.Org, 100);
        var repos = Names(v, "repos", request.Repos);
        foreach (var repo in repos.Where(r => r.Contains('/')))
            v.Add("repos", $"'{repo}': give the repository name without the org (the org is '{org}').");
        var venture = new Venture(
            code, name, org, repos,
            Names(v, "capabilities", request.Capabilities),
            v.Text("secrets_path", request.SecretsPath, 500),
            v.Text("design_spec", request.DesignSpec, 2_000, multiline: true),
            request.Platform ?? false,
            Names(v, "note_tags", request.NoteTags),
            request.DailyBudgetUsd,
            request.FollowUps?.Where(r => r is not null).ToList(),
            request.Workflow);
        if (Orchestration.Tasks.BudgetRule.BudgetProblem(request.DailyBudgetUsd) is { } budgetProblem) v.Add("daily_budget_usd", budgetProblem);
        for (var i = 0; i < (request.FollowUps?.Count ?? 0); i++)
        {
            if (request.FollowUps![i] is null) v.Add($"follow_ups[{i}]", "must be an object like {\"after\": \"code\", \"create\": \"review\"}.");
        }
        foreach (var (i, problem) in FollowUpTemplates.Problems(venture.FollowUps)) v.Add($"follow_ups[{i}]", problem);
        if (request.Workflow is { } workflow)
        {
            foreach (var (field, problem) in Workflows.WorkflowSettingsRules.Problems(workflow)) v.Add($"workflow.{field}", problem);
        }
        v.ThrowIfAny();

        await ventures.UpsertVenturesAsync([venture], ct);
        return venture;
    }

    private static IReadOnlyList<string> Names(Validator v, string field, IReadOnlyList<string>? values)
    {
        if (values is null) return [];
        var cleaned = v.Entries(field, values).Select(x => x.Trim()).ToList();
        if (cleaned.Any(x => x.Length is 0 or > 100)) v.Add(field, "entries must be 1–100 characters.");
        return cleaned.Distinct(StringComparer.Ordinal).ToList();
    }
}
