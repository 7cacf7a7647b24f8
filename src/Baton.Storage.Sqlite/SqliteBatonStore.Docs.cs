using Baton.Core.Knowledge;


namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<DocPut> PutDocAsync(Doc candidate, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        // One writer op: the hash comparison and the version bump it decides are one transaction, so two uploads of
        // the same doc racing each other cannot both become version N+1.
        return WriteAsync(db =>
        {
            var current = FindCurrentDoc(db, candidate.Scope, candidate.Name);
            if (current is not null && string.Equals(current.ContentHash, candidate.ContentHash, StringComparison.Ordinal))
                return new DocPut(current, Changed: false);

            var stored = candidate with { Version = (current?.Version ?? 0) + 1 };
            db.Execute($"""
                INSERT INTO docs ({Rows.DocColumns}) VALUES ({Rows.DocValues})
                ON CONFLICT (scope, name) DO UPDATE SET
                    title = excluded.title, content = excluded.content, content_hash = excluded.content_hash,
                    size_bytes = excluded.size_bytes, doc_type = excluded.doc_type, version = excluded.version,
                    updated_at = excluded.updated_at, uploaded_by = excluded.uploaded_by, source_repo = excluded.source_repo,
                    source_path = excluded.source_path, generated = excluded.generated
                """, Rows.DocArgs(stored));
            db.Execute($"INSERT INTO doc_versions ({Rows.DocColumns}) VALUES ({Rows.DocValues})", Rows.DocArgs(stored));
            return new DocPut(stored, Changed: true);
        }, ct);
    }

    public Task<Doc?> FindDocOrNullAsync(string scope, string name, int? version, CancellationToken ct) =>
        ReadAsync(db => version is { } v
            ? db.FirstOrDefault($"SELECT {Rows.DocColumns} FROM doc_versions WHERE scope = $scope AND name = $name AND version = $version",
                Rows.Doc, ("$scope", scope), ("$name", name), ("$version", v))
            : FindCurrentDoc(db, scope, name), ct);

    public async Task<IReadOnlyList<DocSummary>> ListDocsAsync(IReadOnlyList<string> scopes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return await ReadAsync(db => ListDocs(db, scopes, Rows.DocSummaryColumns, Rows.DocSummary), ct).ConfigureAwait(false);
    }

    /// <summary>The docs of <paramref name="scopes"/> in index order (scope, name), as <paramref name="map"/> reads <paramref name="columns"/>.</summary>
    private static List<T> ListDocs<T>(Db db, IReadOnlyList<string> scopes, string columns, Func<System.Data.Common.DbDataReader, T> map)
    {
        var filter = new Filter();
        filter.In("scope", "scope", scopes);
        return db.List($"SELECT {columns} FROM docs {filter.WhereClause()} ORDER BY scope, name", map, [.. filter.Args]);
    }

    public async Task<IReadOnlyList<DocRequirement>> ListDocRequirementsAsync(CancellationToken ct) =>
        await ReadAsync(ListDocRequirements, ct).ConfigureAwait(false);

    private static List<DocRequirement> ListDocRequirements(Db db) =>
        db.List($"SELECT {Rows.DocRequirementColumns} FROM doc_requirements ORDER BY created_at, id", Rows.DocRequirement);

    public Task<DocRequirement?> FindDocRequirementOrNullAsync(string id, CancellationToken ct) =>
        ReadAsync(db => db.FirstOrDefault($"SELECT {Rows.DocRequirementColumns} FROM doc_requirements WHERE id = $id",
            Rows.DocRequirement, ("$id", id)), ct);

    public Task<DocRequirement> UpsertDocRequirementAsync(DocRequirement requirement, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return WriteAsync(db =>
        {
            db.Execute($"""
            INSERT INTO doc_requirements ({Rows.DocRequirementColumns}) VALUES ({Rows.DocRequirementValues})
            ON CONFLICT (id) DO UPDATE SET
                name_pattern = excluded.name_pattern, scope_type = excluded.scope_type, venture = excluded.venture,
                capability = excluded.capability, staleness_days = excluded.staleness_days, auto_generate = excluded.auto_generate,
                generation_sources = excluded.generation_sources, created_at = excluded.created_at
            """, Rows.DocRequirementArgs(requirement));
            return requirement;
        }, ct);
    }

    public Task<bool> DeleteDocRequirementAsync(string id, CancellationToken ct) =>
        WriteAsync(db => db.Execute("DELETE FROM doc_requirements WHERE id = $id", ("$id", id)) > 0, ct);

    private static Doc? FindCurrentDoc(Db db, string scope, string name) =>
        db.FirstOrDefault($"SELECT {Rows.DocColumns} FROM docs WHERE scope = $scope AND name = $name", Rows.Doc,
            ("$scope", scope), ("$name", name));
}
