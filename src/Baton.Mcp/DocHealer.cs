using System.Text;
using Baton.Core.Domain;
using Baton.Core.Errors;
using Baton.Core.Knowledge;
using Baton.Core.Services;

namespace Baton.Mcp;

/// <summary>A doc the healer uploaded.</summary>
public sealed record HealedDoc(string Scope, string Name, int Version, bool Changed, IReadOnlyList<string> Sources, string Message);

/// <summary>A missing or stale doc the healer left alone, and why.</summary>
public sealed record UnhealedDoc(string Scope, string Name, string Reason);

/// <summary>What one audit-and-heal did: the audit before, what was uploaded, what was not.</summary>
public sealed record HealReport(DocAuditResult Audit, IReadOnlyList<HealedDoc> Healed, IReadOnlyList<UnhealedDoc> NotHealed)
{
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append($"Doc audit for {Audit.Venture}: **{Audit.Status.ToString().ToLowerInvariant()}** ")
            .Append($"({Audit.Required} required, {Audit.Missing.Count} missing, {Audit.Stale.Count} stale).\n");
        foreach (var doc in Healed)
        {
            text.Append($"- healed `{doc.Scope}/{doc.Name}`: {doc.Message} Sources: {string.Join(", ", doc.Sources)}.\n");
        }
        foreach (var doc in NotHealed) text.Append($"- not healed `{doc.Scope}/{doc.Name}`: {doc.Reason}\n");
        if (Healed.Count == 0 && NotHealed.Count == 0) text.Append("Nothing to heal.\n");
        return text.ToString();
    }
}

/// <summary>
/// Audits a venture's docs and heals what it can: every missing or stale doc whose requirement allows generation is
/// generated from the local clone by <see cref="DocGenerator"/> and uploaded as a generated doc (which an agent key may
/// do for its own venture). Anything it cannot heal is reported with the reason, never skipped silently.
/// </summary>
public sealed class DocHealer(IDocService docs, TimeProvider clock)
{
    public async Task<HealReport> AuditAndHealAsync(Venture venture, string? repoRoot, string repo, bool heal, CancellationToken ct)
    {
        var audit = await docs.AuditAsync(venture.Code, ct);
        var todo = audit.Missing.Select(m => (m.Scope, m.Name, m.RequirementId, m.CanGenerate, What: "missing"))
            .Concat(audit.Stale.Select(s => (s.Scope, s.Name, s.RequirementId, s.CanGenerate, What: $"stale ({s.AgeDays} days old, limit {s.StalenessDays})")))
            .ToList();
        if (todo.Count == 0 || !heal) return new HealReport(audit, [], todo.Select(t => new UnhealedDoc(t.Scope, t.Name, $"{t.What}; healing was not asked for.")).ToList());

        var requirements = (await docs.ListRequirementsAsync(ct)).ToDictionary(r => r.Id);
        var healed = new List<HealedDoc>();
        var notHealed = new List<UnhealedDoc>();
        foreach (var item in todo)
        {
            if (!item.CanGenerate || !requirements.TryGetValue(item.RequirementId, out var requirement))
            {
                notHealed.Add(new(item.Scope, item.Name, $"{item.What}; its requirement does not allow generating it: write it and upload it with `baton docs upload`."));
                continue;
            }
            if (repoRoot is null)
            {
                notHealed.Add(new(item.Scope, item.Name, $"{item.What}; there is no local clone to generate it from: run inside the repository."));
                continue;
            }
            var generated = DocGenerator.Generate(requirement, venture, repoRoot, clock.GetUtcNow());
            if (!generated.Success)
            {
                notHealed.Add(new(item.Scope, item.Name, $"{item.What}; could not generate it: {generated.Reason}"));
                continue;
            }
            try
            {
                var put = await docs.PutDocAsync(item.Scope, item.Name,
                    new PutDocRequest(generated.Content, generated.Title, SourceRepo: repo, Generated: true), ct);
                healed.Add(new(item.Scope, item.Name, put.Doc.Version, put.Changed, generated.Sources, put.Message));
            }
            catch (BatonException ex)
            {
                notHealed.Add(new(item.Scope, item.Name, $"{item.What}; the upload was refused: {ex.Detail}"));
            }
        }
        return new HealReport(audit, healed, notHealed);
    }
}
