using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Knowledge;

/// <summary>
/// Local implementation of <see cref="IDocService"/>: versioned docs, the docs index, requirements and the audit.
/// </summary>
internal sealed partial class DocService(IKnowledgeStore knowledge, IVentureStore ventures, BatonCore core, Caller caller) : IDocService
{
    private const int MaxContentChars = 900_000;

    public async Task<DocPutResponse> PutDocAsync(string scope, string name, PutDocRequest request, CancellationToken ct)
    {
        var v = new Validator();
        scope = v.Required("scope", scope, 12);
        name = v.Required("name", name, 120);
        if (name.Length > 0 && !DocNamePattern().IsMatch(name)) v.Add("name", "must be 1–120 characters of letters, digits, '.', '_' or '-'.");
        v.Required("content", request.Content, MaxContentChars, multiline: true); // stored exactly as sent: the hash is of these bytes
        var title = v.Text("title", request.Title, 200);
        var docType = v.Text("doc_type", request.DocType, 50);
        var sourceRepo = v.Text("source_repo", request.SourceRepo, 200);
        var sourcePath = v.Text("source_path", request.SourcePath, 500);
        v.ThrowIfAny();

        if (scope != Venture.Global) await VentureRules.FindOrThrowAsync(ventures, scope, ct);
        var generated = request.Generated ?? false;
        await EnsureMayUploadAsync(scope, name, generated, ct);
        NoteService.RefuseSecrets(title ?? "", request.Content!);

        var bytes = Encoding.UTF8.GetBytes(request.Content!);
        var candidate = new Doc(scope, name, title ?? TitleOf(request.Content!, name), request.Content!,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, docType, Version: 1, core.Now(),
            caller.ActorKeyId, sourceRepo, sourcePath, generated);
        var put = await knowledge.PutDocAsync(candidate, ct);
        var message = put.Changed
            ? $"Stored {scope}/{name} as version {put.Doc.Version}."
            : $"{scope}/{name} already has this content (version {put.Doc.Version}): nothing changed.";
        return new DocPutResponse(DocSummary.From(put.Doc), put.Changed, message);
    }

    public async Task<Doc> GetDocAsync(string scope, string name, int? version, CancellationToken ct)
    {
        if (scope != Venture.Global) caller.EnsureMayActFor(scope);
        if (version is <= 0) throw BatonException.Validation("version", $"must be a positive number (got {version}).");
        return await knowledge.FindDocOrNullAsync(scope, name, version, ct)
               ?? throw new BatonException(ErrorCodes.DocNotFound,
                   version is null
                       ? $"There is no doc {scope}/{name}. `baton docs --venture <code>` lists the docs a venture sees."
                       : $"There is no version {version} of {scope}/{name}. `baton doc {scope} {name}` shows the current one and its version.");
    }

    public async Task<ListResult<DocSummary>> ListDocsAsync(string? venture, CancellationToken ct)
    {
        venture = caller.ScopeFilter(venture);
        IReadOnlyList<string> scopes;
        if (venture is null)
            scopes = [Venture.Global, .. (await ventures.ListVenturesAsync(ct)).Select(x => x.Code)];
        else
            scopes = [(await VentureRules.FindOrThrowAsync(ventures, venture, ct)).Code, Venture.Global];
        var docs = await knowledge.ListDocsAsync(scopes, ct);
        return new ListResult<DocSummary>(docs, docs.Count);
    }

    public async Task<ListResult<DocHit>> SearchDocsAsync(DocSearchRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var q = v.Required("q", request.Q, 500);
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();

        var index = await ListDocsAsync(request.Venture, ct);
        var words = DocSearch.Words(q);
        // Every doc of the index is read and judged, so the total is exact. Docs are few (a venture's operational
        // documents, not a corpus), which is why this reads them one by one rather than asking the store to search.
        var hits = new List<DocHit>();
        foreach (var summary in index.Items)
        {
            var doc = await knowledge.FindDocOrNullAsync(summary.Scope, summary.Name, null, ct);
            if (doc is not null && DocSearch.Match(doc, words) is { } snippet) hits.Add(new DocHit(DocSummary.From(doc), snippet));
        }
        return new ListResult<DocHit>([.. hits.Take(limit)], hits.Count);
    }

    public async Task<DocAuditResult> AuditAsync(string venture, CancellationToken ct)
    {
        caller.EnsureMayActFor(venture);
        var v = await VentureRules.FindOrThrowAsync(ventures, venture, ct);
        var requirements = knowledge.ListDocRequirementsAsync(ct);
        var docs = knowledge.ListDocsAsync([v.Code, Venture.Global], ct);
        await Task.WhenAll(requirements, docs);
        return DocAudit.Run(v, requirements.Result, docs.Result, core.Now());
    }

    public Task<IReadOnlyList<DocRequirement>> ListRequirementsAsync(CancellationToken ct)
    {
        // The requirements are admin configuration like the keys; an agent sees what they mean for it through the audit.
        caller.EnsureAdmin("Reading doc requirements");
        return knowledge.ListDocRequirementsAsync(ct);
    }

    public async Task<DocRequirement> PutRequirementAsync(string? id, DocRequirementRequest request, CancellationToken ct)
    {
        caller.EnsureAdmin("Changing doc requirements");
        var v = new Validator();
        var pattern = v.Required("name_pattern", request.NamePattern, 120);
        var scopeType = v.Required("scope_type", request.ScopeType);
        var venture = v.Text("venture", request.Venture, 12);
        var capability = v.Text("capability", request.Capability, 50);
        var staleness = v.Range("staleness_days", request.StalenessDays, 1, 3650, 90);
        if (scopeType == RequirementScope.Venture && venture is null) v.Add("venture", "is required when scope_type is venture.");
        if (scopeType != RequirementScope.Venture && venture is not null) v.Add("venture", "is only allowed when scope_type is venture.");
        if (scopeType == RequirementScope.Global && pattern.Contains("{venture}", StringComparison.Ordinal))
            v.Add("name_pattern", "a global requirement names one doc, so it cannot use {venture}.");
        var sources = v.Entries("generation_sources", request.GenerationSources).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        v.ThrowIfAny();
        if (venture is not null) await VentureRules.FindOrThrowAsync(ventures, venture, ct);

        DocRequirement? existing = null;
        if (id is not null)
        {
            existing = await knowledge.FindDocRequirementOrNullAsync(id, ct) ?? throw RequirementNotFound(id);
        }
        var requirement = new DocRequirement(
            existing?.Id ?? core.Ids.New("req"), pattern, scopeType, venture, capability, staleness,
            request.AutoGenerate ?? false, sources, existing?.CreatedAt ?? core.Now());
        return await knowledge.UpsertDocRequirementAsync(requirement, ct);
    }

    public async Task DeleteRequirementAsync(string id, CancellationToken ct)
    {
        caller.EnsureAdmin("Changing doc requirements");
        if (!await knowledge.DeleteDocRequirementAsync(id, ct)) throw RequirementNotFound(id);
    }

    /// <summary>
    /// Uploading needs an admin key, with one exception for healing: an agent key may upload a generated doc that
    /// fulfils a requirement of a venture it may act for.
    /// </summary>
    private async Task EnsureMayUploadAsync(string scope, string name, bool generated, CancellationToken ct)
    {
        if (caller.IsAdmin) return;
        const string AdminOnly = "Uploading docs needs an admin key. An agent key may upload only a generated doc that a requirement of its venture asks for (`baton docs heal`).";
        if (!generated || scope == Venture.Global) throw new BatonException(ErrorCodes.Forbidden, AdminOnly);
        caller.EnsureMayActFor(scope);
        var venture = await VentureRules.FindOrThrowAsync(ventures, scope, ct);
        var requirements = await knowledge.ListDocRequirementsAsync(ct);
        var fulfils = requirements.Any(r => DocAudit.AppliesTo(r, venture, out var s) && s == scope && DocAudit.NameFor(r, venture) == name);
        if (!fulfils) throw new BatonException(ErrorCodes.Forbidden, AdminOnly + $" No requirement of '{scope}' asks for '{name}'.");
    }

    /// <summary>The first markdown heading, else the name.</summary>
    private static string TitleOf(string content, string name)
    {
        var heading = content.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal));
        return heading is null ? name : heading[2..].Trim() is { Length: > 0 and <= 200 } t ? t : name;
    }

    private static BatonException RequirementNotFound(string id) =>
        new(ErrorCodes.RequirementNotFound, $"There is no doc requirement '{id}'. GET /v1/admin/doc-requirements lists them.");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,120}$")]
    private static partial Regex DocNamePattern();
}
