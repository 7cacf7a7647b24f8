using System.Text;
using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Knowledge;

/// <summary>One missing or stale doc the healer tried: healed to <see cref="Version"/> from <see cref="Sources"/>, or not, with the reason.</summary>
/// <param name="Kind">"missing" or "stale".</param>
/// <param name="Generable">Its requirement allows generating it, so not healing it is a failure rather than a fact.</param>
public sealed record HealItem(string Kind, string Scope, string Name, bool Generable, bool Healed, int? Version, IReadOnlyList<string> Sources, string? Reason);

/// <summary>What one audit-and-heal did: the audit status before and after, and every missing or stale doc with its outcome.</summary>
public sealed record HealReport(string Venture, AuditStatus StatusBefore, AuditStatus StatusAfter, IReadOnlyList<HealItem> Items, DocAuditResult AuditAfter)
{
    public IReadOnlyList<HealItem> Healed => [.. Items.Where(i => i.Healed)];

    public IReadOnlyList<HealItem> NotHealed => [.. Items.Where(i => !i.Healed)];

    /// <summary>Every doc that could be generated was generated and stored (the CLI's exit-code rule).</summary>
    public bool AllGenerableHealed => Items.All(i => !i.Generable || i.Healed);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append($"Doc audit for {Venture}: **{StatusBefore.ToString().ToLowerInvariant()}**");
        if (StatusAfter != StatusBefore) text.Append($", now **{StatusAfter.ToString().ToLowerInvariant()}**");
        text.Append($" ({AuditAfter.Required} required, {AuditAfter.Missing.Count} missing, {AuditAfter.Stale.Count} stale).\n");
        foreach (var item in Items)
        {
            text.Append(item.Healed
                ? $"- healed `{item.Scope}/{item.Name}` ({item.Kind}) → v{item.Version}, from {string.Join(", ", item.Sources)}.\n"
                : $"- not healed `{item.Scope}/{item.Name}` ({item.Kind}): {item.Reason}\n");
        }
        if (Items.Count == 0) text.Append("Nothing is missing or stale: nothing to heal.\n");
        return text.ToString();
    }
}

/// <summary>
/// Audits a venture's docs and heals what it can: every missing or stale doc whose requirement allows generation is
/// generated from the local clone by the <see cref="IDocGenerator"/> handed in and uploaded as a generated doc (which an agent key may
/// do for its own venture). Anything not healed is reported with the reason, never skipped silently.
/// One handler for both front ends: <c>baton docs heal</c> and the MCP <c>sod</c> / <c>doc_audit</c> tools.
/// </summary>
public static class DocHealer
{
    /// <param name="repoPath">The local clone to generate from; null when there is none (nothing can be generated).</param>
    /// <param name="sourceRepo">Recorded on uploaded docs as where they came from (<c>org/repo</c>).</param>
    /// <param name="heal">False: audit only, reporting what healing would have to do.</param>
    public static async Task<HealReport> AuditAndHealAsync(
        IDocService docs, IDocGenerator generator, Venture venture, string? repoPath, string? sourceRepo, bool heal, DateTimeOffset now, CancellationToken ct)
    {
        var before = await docs.AuditAsync(venture.Code, ct);
        var targets = before.Missing.Select(m => (Kind: "missing", m.Scope, m.Name, m.CanGenerate, m.GenerationSources, Detail: "missing"))
            .Concat(before.Stale.Select(s => (Kind: "stale", s.Scope, s.Name, s.CanGenerate, s.GenerationSources, Detail: $"stale ({s.AgeDays} days old, limit {s.StalenessDays})")));

        var items = new List<HealItem>();
        foreach (var t in targets)
        {
            if (!t.CanGenerate)
            {
                items.Add(NotHealed(t.Kind, t.Scope, t.Name, false, "its requirement is not auto-generated (auto_generate is off or it names no sources): write it and upload it with `baton docs upload`."));
                continue;
            }
            if (!heal)
            {
                items.Add(NotHealed(t.Kind, t.Scope, t.Name, true, $"{t.Detail}; healing was not asked for (`baton docs heal`, or heal=true)."));
                continue;
            }
            if (repoPath is null)
            {
                items.Add(NotHealed(t.Kind, t.Scope, t.Name, true, $"{t.Detail}; there is no local clone to generate it from: run inside the repository."));
                continue;
            }

            var generated = generator.Generate(t.Name, t.GenerationSources, venture, repoPath, now);
            if (!generated.Success)
            {
                items.Add(NotHealed(t.Kind, t.Scope, t.Name, true, "the generator could not build it: " + generated.Reason));
                continue;
            }
            try
            {
                var put = await docs.PutDocAsync(t.Scope, t.Name, new PutDocRequest(generated.Content, generated.Title, SourceRepo: sourceRepo, Generated: true), ct);
                items.Add(put.Changed
                    ? new HealItem(t.Kind, t.Scope, t.Name, true, true, put.Doc.Version, generated.Sources, null)
                    : NotHealed(t.Kind, t.Scope, t.Name, true,
                        $"the generated content is the same as version {put.Doc.Version}, so nothing changed: edit its sources ({string.Join(", ", generated.Sources)}) or upload a new version."));
            }
            catch (BatonException ex)
            {
                items.Add(NotHealed(t.Kind, t.Scope, t.Name, true, $"the upload was refused: {ex.Detail} (code: {ex.Code})"));
            }
        }

        // Audit again only when something changed; otherwise the first audit is still the truth.
        var after = items.Any(i => i.Healed) ? await docs.AuditAsync(venture.Code, ct) : before;
        return new HealReport(venture.Code, before.Status, after.Status, items, after);
    }

    private static HealItem NotHealed(string kind, string scope, string name, bool generable, string reason) =>
        new(kind, scope, name, generable, false, null, [], reason);
}
