using Baton.Core.Ventures;


namespace Baton.Core.Knowledge;

public enum AuditStatus { Complete, Warning, Incomplete }

/// <summary>A required doc that does not exist; <see cref="CanGenerate"/> when <c>baton docs heal</c> may make it.</summary>
public sealed record MissingDoc(string Scope, string Name, string RequirementId, bool CanGenerate, IReadOnlyList<string> GenerationSources);

/// <summary>A required doc older than its requirement allows.</summary>
public sealed record StaleDoc(string Scope, string Name, string RequirementId, int AgeDays, int StalenessDays, bool CanGenerate, IReadOnlyList<string> GenerationSources);

/// <summary>The doc audit of one venture: <c>incomplete</c> when something required is missing, else <c>warning</c> when something is stale, else <c>complete</c>.</summary>
public sealed record DocAuditResult(string Venture, AuditStatus Status, IReadOnlyList<MissingDoc> Missing, IReadOnlyList<StaleDoc> Stale, int Required);

/// <summary>The audit rule as a pure function of the venture, the requirements, the docs it can see and the time.</summary>
public static class DocAudit
{
    /// <summary>The doc name a requirement asks of a venture: <c>{venture}</c> replaced by its code.</summary>
    public static string NameFor(DocRequirement requirement, Venture venture) =>
        requirement.NamePattern.Replace("{venture}", venture.Code, StringComparison.Ordinal);

    /// <summary>Whether a requirement applies to the venture, and in which scope its doc lives.</summary>
    public static bool AppliesTo(DocRequirement requirement, Venture venture, out string scope)
    {
        scope = requirement.ScopeType == RequirementScope.Global ? Venture.Global : venture.Code;
        if (requirement.ScopeType == RequirementScope.Venture && requirement.Venture != venture.Code) return false;
        return requirement.Capability is null || venture.Capabilities.Contains(requirement.Capability, StringComparer.Ordinal);
    }

    public static DocAuditResult Run(Venture venture, IReadOnlyList<DocRequirement> requirements, IReadOnlyList<DocSummary> visibleDocs, DateTimeOffset now)
    {
        var docs = visibleDocs.ToDictionary(d => (d.Scope, d.Name));
        var missing = new List<MissingDoc>();
        var stale = new List<StaleDoc>();
        var required = 0;
        foreach (var requirement in requirements)
        {
            if (!AppliesTo(requirement, venture, out var scope)) continue;
            required++;
            var name = NameFor(requirement, venture);
            var canGenerate = requirement.AutoGenerate && requirement.GenerationSources.Count > 0;
            if (!docs.TryGetValue((scope, name), out var doc))
            {
                missing.Add(new MissingDoc(scope, name, requirement.Id, canGenerate, requirement.GenerationSources));
                continue;
            }
            var age = (int)Math.Floor((now - doc.UpdatedAt).TotalDays);
            if (age > requirement.StalenessDays)
                stale.Add(new StaleDoc(scope, name, requirement.Id, age, requirement.StalenessDays, canGenerate, requirement.GenerationSources));
        }
        var status = missing.Count > 0 ? AuditStatus.Incomplete : stale.Count > 0 ? AuditStatus.Warning : AuditStatus.Complete;
        return new DocAuditResult(venture.Code, status, missing, stale, required);
    }
}
