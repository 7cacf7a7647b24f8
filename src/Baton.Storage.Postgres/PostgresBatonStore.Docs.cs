using Baton.Core.Knowledge;


namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<DocPut> PutDocAsync(Doc candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return WriteInTransactionAsync(async db =>
        {
            // Uploads of one doc take turns (on any replica), so two racing uploads cannot both become version N+1; a
            // row lock would not do for the first version, when there is no row to lock yet.
            await db.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@doc, 1))", ct,
                ("doc", candidate.Scope + "\u001f" + candidate.Name)).ConfigureAwait(false);
            var current = await FindCurrentDocAsync(db, candidate.Scope, candidate.Name, ct).ConfigureAwait(false);
            if (current is not null && string.Equals(current.ContentHash, candidate.ContentHash, StringComparison.Ordinal))
                return new DocPut(current, Changed: false);

            var stored = candidate with { Version = (current?.Version ?? 0) + 1 };
            await db.ExecuteAsync($"""
                INSERT INTO docs ({Rows.DocColumns}) VALUES ({Rows.DocValues})
                ON CONFLICT (scope, name) DO UPDATE SET
                    title = excluded.title, content = excluded.content, content_hash = excluded.content_hash,
                    size_bytes = excluded.size_bytes, doc_type = excluded.doc_type, version = excluded.version,
                    updated_at = excluded.updated_at, uploaded_by = excluded.uploaded_by, source_repo = excluded.source_repo,
                    source_path = excluded.source_path, generated = excluded.generated;
                INSERT INTO doc_versions ({Rows.DocColumns}) VALUES ({Rows.DocValues})
                """, ct, Rows.DocArgs(stored)).ConfigureAwait(false);
            return new DocPut(stored, Changed: true);
        }, ct);
    }

    public Task<Doc?> FindDocOrNullAsync(string scope, string name, int? version, CancellationToken ct) =>
        RunAsync(db => version is { } v
            ? db.FirstOrDefaultAsync($"SELECT {Rows.DocColumns} FROM doc_versions WHERE scope = @scope AND name = @name AND version = @version",
                Rows.Doc, ct, ("scope", scope), ("name", name), ("version", v))
            : FindCurrentDocAsync(db, scope, name, ct), ct);

    public async Task<IReadOnlyList<DocSummary>> ListDocsAsync(IReadOnlyList<string> scopes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return await RunAsync(db => db.QueryAsync(DocsQuery(scopes, Rows.DocSummaryColumns, Rows.DocSummary), ct), ct).ConfigureAwait(false);
    }

    /// <summary>The docs of <paramref name="scopes"/> in index order (scope, name), as <paramref name="map"/> reads <paramref name="columns"/>.</summary>
    private static Query<List<T>> DocsQuery<T>(IReadOnlyList<string> scopes, string columns, Func<System.Data.Common.DbDataReader, T> map) =>
        Queries.List($"SELECT {columns} FROM docs WHERE scope = ANY(@scopes) ORDER BY scope, name", map, ("scopes", Rows.List(scopes)));

    public async Task<IReadOnlyList<DocRequirement>> ListDocRequirementsAsync(CancellationToken ct) =>
        await RunAsync(db => db.QueryAsync(DocRequirementsQuery, ct), ct).ConfigureAwait(false);

    private static readonly Query<List<DocRequirement>> DocRequirementsQuery =
        Queries.List($"SELECT {Rows.DocRequirementColumns} FROM doc_requirements ORDER BY created_at, id", Rows.DocRequirement);

    public Task<DocRequirement?> FindDocRequirementOrNullAsync(string id, CancellationToken ct) =>
        RunAsync(db => db.FirstOrDefaultAsync($"SELECT {Rows.DocRequirementColumns} FROM doc_requirements WHERE id = @id",
            Rows.DocRequirement, ct, ("id", id)), ct);

    public Task<DocRequirement> UpsertDocRequirementAsync(DocRequirement requirement, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return WriteAsync(async db =>
        {
            await db.ExecuteAsync($"""
            INSERT INTO doc_requirements ({Rows.DocRequirementColumns}) VALUES ({Rows.DocRequirementValues})
            ON CONFLICT (id) DO UPDATE SET
                name_pattern = excluded.name_pattern, scope_type = excluded.scope_type, venture = excluded.venture,
                capability = excluded.capability, staleness_days = excluded.staleness_days, auto_generate = excluded.auto_generate,
                generation_sources = excluded.generation_sources, created_at = excluded.created_at
            """, ct, Rows.DocRequirementArgs(requirement)).ConfigureAwait(false);
            return requirement;
        }, ct);
    }

    public Task<bool> DeleteDocRequirementAsync(string id, CancellationToken ct) =>
        WriteAsync(async db => await db.ExecuteAsync("DELETE FROM doc_requirements WHERE id = @id", ct, ("id", id)).ConfigureAwait(false) > 0, ct);

    private static Task<Doc?> FindCurrentDocAsync(Db db, string scope, string name, CancellationToken ct) =>
        db.FirstOrDefaultAsync($"SELECT {Rows.DocColumns} FROM docs WHERE scope = @scope AND name = @name", Rows.Doc, ct,
            ("scope", scope), ("name", name));
}
