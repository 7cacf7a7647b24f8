using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;
using Baton.Local.Docs;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton doc &lt;scope&gt; &lt;name&gt;</c> and <c>baton docs</c> (index), <c>docs upload</c>, <c>docs sync</c> (for CI: only
/// changed files are written), <c>docs audit</c> and <c>docs heal</c> (generate what is missing or stale from the local
/// repo and upload it as a generated doc, which an agent key may do for its own venture).
/// </summary>
public static class DocCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) => [BuildDoc(runtime), BuildDocs(runtime)];

    // ---- doc <scope> <name> ----

    private static Command BuildDoc(CliRuntime runtime)
    {
        var scope = new Argument<string>("scope") { Description = "\"global\" or a venture code." };
        var name = new Argument<string>("name") { Description = "The doc's name, e.g. alpha-api.md." };
        var version = new Option<int?>("--version") { Description = "An earlier version (default: the current one)." };
        var json = CommonOptions.Json();
        var command = new Command("doc", "Print one doc's content (the current version unless --version is given).");
        command.Arguments.Add(scope);
        command.Arguments.Add(name);
        command.Options.Add(version);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var doc = await context.Services.Docs.GetDocAsync(parse.GetValue(scope)!, parse.GetValue(name)!, parse.GetValue(version), token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, doc);
            else context.Out.Write(doc.Content.EndsWith('\n') ? doc.Content : doc.Content + "\n"); // exactly the content, so it can be redirected to a file
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- docs (index) and its subcommands ----

    private static Command BuildDocs(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("The docs this venture sees (its own and global ones). Default: every doc this key may see.");
        var json = CommonOptions.Json();
        var command = new Command("docs", "List the docs index (metadata only, with the exact total). Subcommands upload, sync, audit and heal.");
        command.Options.Add(venture);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            await ListAsync(context.Services.Docs, parse.GetValue(venture), parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(BuildUpload(runtime));
        command.Subcommands.Add(BuildSync(runtime));
        command.Subcommands.Add(BuildAudit(runtime));
        command.Subcommands.Add(BuildHeal(runtime));
        return command;
    }

    public static async Task<ListResult<DocSummary>> ListAsync(IDocService docs, string? venture, bool json, TextWriter output, CancellationToken ct)
    {
        var index = await docs.ListDocsAsync(venture, ct);
        if (json)
        {
            Verb.WriteJson(output, index);
            return index;
        }
        var table = new TextTable("SCOPE", "NAME", "VERSION", "SIZE", "UPDATED", "TITLE");
        foreach (var d in index.Items)
        {
            table.Add(d.Scope, d.Name, $"v{d.Version}{(d.Generated ? " (generated)" : "")}", $"{d.SizeBytes} B", Text.When(d.UpdatedAt), Text.Shorten(d.Title, 60));
        }
        table.WriteTo(output);
        output.WriteLine(Text.CountLine(index.Items.Count, index.Total, "doc", null) + (index.Items.Count > 0 ? "; `baton doc <scope> <name>` prints one" : ""));
        return index;
    }

    // ---- docs upload ----

    private static Command BuildUpload(CliRuntime runtime)
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "Files to upload; each is stored under its file name." };
        var scope = ScopeOption();
        var docType = new Option<string>("--doc-type") { Description = "A doc type recorded with each doc (e.g. runbook, reference)." };
        var json = CommonOptions.Json();
        var command = new Command("upload", "Upload files as docs (admin). A file whose content is already the current version changes nothing.");
        command.Arguments.Add(files);
        foreach (Option option in new Option[] { scope, docType, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var paths = (parse.GetValue(files) ?? []).Select(f => Path.GetFullPath(f, runtime.WorkingDirectory)).ToList();
            var missing = paths.Where(p => !File.Exists(p)).ToList();
            if (missing.Count > 0) throw new UsageException($"No such file: {string.Join(", ", missing)}.");
            var report = await UploadAsync(context.Services.Docs, parse.GetValue(scope)!, paths, parse.GetValue(docType), runtime.WorkingDirectory, token);
            WriteUploadReport(report, parse.GetValue(json), context.Out, $"{report.Stored} stored, {report.Unchanged} unchanged");
            return report.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));
        return command;
    }

    /// <summary>Uploads every file; a file that fails (a bad name, a refused secret) is reported and the others still go.</summary>
    public static async Task<UploadReport> UploadAsync(IDocService docs, string scope, IReadOnlyList<string> paths, string? docType, string workingDirectory, CancellationToken ct)
    {
        var outcomes = new List<FileOutcome>();
        foreach (var path in paths)
        {
            var display = Path.GetRelativePath(workingDirectory, path);
            var local = await DocFiles.ReadAsync(path, ct);
            if (local.Problem is not null)
            {
                outcomes.Add(FileOutcome.Failure(display, local.Name, local.Problem));
                continue;
            }
            outcomes.Add(await PutAsync(docs, scope, local, docType, display, ct));
        }
        return new UploadReport(scope, outcomes);
    }

    // ---- docs sync ----

    private static Command BuildSync(CliRuntime runtime)
    {
        var dir = new Argument<string>("dir") { Description = "A folder of docs; each file directly in it is a doc named after the file (hidden files are skipped)." };
        var scope = ScopeOption();
        var docType = new Option<string>("--doc-type") { Description = "A doc type recorded with each uploaded doc." };
        var json = CommonOptions.Json();
        var command = new Command("sync", "Upload only the files whose content differs from the server's current version (admin; for CI pipelines).");
        command.Arguments.Add(dir);
        foreach (Option option in new Option[] { scope, docType, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var folder = Path.GetFullPath(parse.GetValue(dir)!, runtime.WorkingDirectory);
            if (!Directory.Exists(folder)) throw new UsageException($"No such folder: {folder}.");
            var report = await SyncAsync(context.Services.Docs, parse.GetValue(scope)!, folder, parse.GetValue(docType), runtime.WorkingDirectory, token);
            WriteUploadReport(report, parse.GetValue(json), context.Out, $"{report.Stored} uploaded, {report.Unchanged} unchanged");
            return report.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));
        return command;
    }

    /// <summary>
    /// Compares each file's SHA-256 with the content hash the docs index carries, so an unchanged file costs neither a
    /// read nor a write (and never a new version); one index read covers the whole folder.
    /// </summary>
    public static async Task<UploadReport> SyncAsync(IDocService docs, string scope, string folder, string? docType, string workingDirectory, CancellationToken ct)
    {
        var index = await docs.ListDocsAsync(scope == Venture.Global ? null : scope, ct);
        var current = index.Items.Where(d => d.Scope == scope).ToDictionary(d => d.Name, StringComparer.Ordinal);
        var outcomes = new List<FileOutcome>();
        foreach (var path in DocFiles.SyncCandidates(Directory.EnumerateFiles(folder)))
        {
            var display = Path.GetRelativePath(workingDirectory, path);
            var local = await DocFiles.ReadAsync(path, ct);
            if (local.Problem is not null)
            {
                outcomes.Add(FileOutcome.Failure(display, local.Name, local.Problem));
                continue;
            }
            var existing = current.GetValueOrDefault(local.Name);
            if (DocFiles.Plan(local, existing) == SyncStep.Skip)
            {
                outcomes.Add(new FileOutcome(display, local.Name, FileOutcome.Unchanged, existing!.Version, $"unchanged v{existing.Version}"));
                continue;
            }
            outcomes.Add(await PutAsync(docs, scope, local, docType, display, ct));
        }
        return new UploadReport(scope, outcomes);
    }

    private static async Task<FileOutcome> PutAsync(IDocService docs, string scope, LocalDoc local, string? docType, string display, CancellationToken ct)
    {
        try
        {
            var put = await docs.PutDocAsync(scope, local.Name, new PutDocRequest(local.Content, DocType: docType, SourcePath: display), ct);
            var version = put.Doc.Version;
            return put.Changed
                ? new FileOutcome(display, local.Name, FileOutcome.Stored, version, $"stored v{version}")
                : new FileOutcome(display, local.Name, FileOutcome.Unchanged, version, $"unchanged v{version}");
        }
        catch (BatonException ex)
        {
            return FileOutcome.Failure(display, local.Name, $"{ex.Detail} (code: {ex.Code})");
        }
    }

    private static void WriteUploadReport(UploadReport report, bool json, TextWriter output, string summary)
    {
        if (json)
        {
            Verb.WriteJson(output, report);
            return;
        }
        foreach (var o in report.Items)
        {
            output.WriteLine(o.Outcome == FileOutcome.Failed
                ? $"{o.Path}: not uploaded: {o.Message}"
                : $"{o.Path}: {report.Scope}/{o.Name} {o.Message}");
        }
        output.WriteLine(summary + (report.Failed > 0 ? $", {report.Failed} failed" : "") + ".");
    }

    // ---- docs audit ----

    private static Command BuildAudit(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture();
        var json = CommonOptions.Json();
        var command = new Command("audit", "Check a venture's docs against the doc requirements: complete, warning (stale) or incomplete (missing).");
        command.Options.Add(venture);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var code = await VentureAsync(parse.GetValue(venture), runtime, runtime.WorkingDirectory, context.Services.Ventures, token);
            var audit = await context.Services.Docs.AuditAsync(code, token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, audit);
            else WriteAudit(audit, context.Out);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void WriteAudit(DocAuditResult audit, TextWriter output)
    {
        output.WriteLine($"Doc audit of {audit.Venture}: {AuditLine(audit)}");
        foreach (var m in audit.Missing)
        {
            output.WriteLine($"  missing  {m.Scope}/{m.Name}: required (requirement {m.RequirementId}) and not uploaded; " +
                             (m.CanGenerate ? $"can be generated from {string.Join(", ", m.GenerationSources)} (`baton docs heal`)." : CannotGenerate));
        }
        foreach (var s in audit.Stale)
        {
            output.WriteLine($"  stale    {s.Scope}/{s.Name}: last updated {s.AgeDays} days ago, limit {s.StalenessDays} days; " +
                             (s.CanGenerate ? $"can be regenerated from {string.Join(", ", s.GenerationSources)} (`baton docs heal`)." : CannotGenerate));
        }
    }

    private const string CannotGenerate = "cannot be generated (its requirement is not auto-generated): write it and `baton docs upload` it.";

    private static string AuditLine(DocAuditResult audit) =>
        $"{Text.Snake(audit.Status)} ({audit.Required} required, {audit.Missing.Count} missing, {audit.Stale.Count} stale).";

    // ---- docs heal ----

    private static Command BuildHeal(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Venture code. Default: the registered venture that owns the repo at --repo-path.");
        var repoPath = new Option<string>("--repo-path") { Description = "The local clone the generator reads (default: the current folder)." };
        var json = CommonOptions.Json();
        var command = new Command("heal", "Audit, then generate every missing or stale doc that can be generated from the local repo and upload it.\n" +
                                          "Exit 0 when every generable doc was healed, 1 otherwise. An agent key may heal its own venture.");
        foreach (Option option in new Option[] { venture, repoPath, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var repo = Path.GetFullPath(parse.GetValue(repoPath) ?? ".", runtime.WorkingDirectory);
            if (!Directory.Exists(repo)) throw new UsageException($"--repo-path: no such folder ({repo}).");
            var code = await VentureAsync(parse.GetValue(venture), runtime, repo, context.Services.Ventures, token);
            var sourceRepo = await RepoOrNullAsync(runtime, repo, token);
            var report = await HealAsync(context.Services.Docs, context.Services.Ventures, code, repo, sourceRepo, TimeProvider.System.GetUtcNow(), token);
            WriteHealReport(report, parse.GetValue(json), context.Out);
            return report.AllGenerableHealed ? ExitCodes.Ok : ExitCodes.Failed;
        }, ct));
        return command;
    }

    /// <summary>
    /// Audits, generates each missing or stale doc whose requirement allows it from <paramref name="repoPath"/>, uploads
    /// it marked as generated, and audits again — through <see cref="DocHealer"/>, the handler the MCP tools use too.
    /// </summary>
    public static async Task<HealReport> HealAsync(IDocService docs, IVentureService ventures, string ventureCode, string repoPath,
        string? sourceRepo, DateTimeOffset now, CancellationToken ct)
    {
        var venture = await ventures.GetVentureAsync(ventureCode, ct);
        return await DocHealer.AuditAndHealAsync(docs, RepoDocGenerator.Instance, venture, repoPath, sourceRepo, heal: true, now, ct);
    }

    private static void WriteHealReport(HealReport report, bool json, TextWriter output)
    {
        if (json)
        {
            Verb.WriteJson(output, report);
            return;
        }
        output.WriteLine($"Doc audit of {report.Venture} before healing: {Text.Snake(report.StatusBefore)}.");
        if (report.Items.Count == 0) output.WriteLine("Nothing is missing or stale: nothing to heal.");
        foreach (var item in report.Items)
        {
            output.WriteLine(item.Healed
                ? $"  healed      {item.Scope}/{item.Name} ({item.Kind}) → v{item.Version}, from {string.Join(", ", item.Sources)}"
                : $"  not healed  {item.Scope}/{item.Name} ({item.Kind}): {item.Reason}");
        }
        output.WriteLine($"Doc audit now: {AuditLine(report.AuditAfter)}");
        var notHealed = report.Items.Count - report.Healed.Count;
        output.WriteLine($"{report.Healed.Count} healed, {notHealed} not healed" +
                         (report.AllGenerableHealed ? "." : $"; {report.Items.Count(i => i.Generable && !i.Healed)} of them could be generated and were not (see the reasons above)."));
    }

    // ---- shared ----

    private static Option<string> ScopeOption() => new("--scope") { Description = "\"global\" or a venture code.", Required = true };

    /// <summary>The venture as <c>baton sod</c> finds it: the flag, else the registered venture owning the repo's git remote.</summary>
    private static async Task<string> VentureAsync(string? flag, CliRuntime runtime, string repoPath, IVentureService ventures, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(flag)) return flag.Trim();
        var repo = await CliTargets.RepoAsync(null, runtime with { WorkingDirectory = repoPath }, ct);
        return await CliTargets.VentureAsync(null, repo, ventures, ct);
    }

    /// <summary>org/repo of the clone, recorded as the generated doc's source; null when it has no usable origin remote.</summary>
    private static async Task<string?> RepoOrNullAsync(CliRuntime runtime, string repoPath, CancellationToken ct)
    {
        try
        {
            return await CliTargets.RepoAsync(null, runtime with { WorkingDirectory = repoPath }, ct);
        }
        catch (UsageException)
        {
            return null; // the source repo is a nicety on the doc, not a reason to stop healing
        }
    }
}

/// <summary>What happened to one file of an upload or sync: <c>stored</c>, <c>unchanged</c> or <c>failed</c>.</summary>
public sealed record FileOutcome(string Path, string Name, string Outcome, int? Version, string Message)
{
    public const string Stored = "stored";
    public const string Unchanged = "unchanged";
    public const string Failed = "failed";

    public static FileOutcome Failure(string path, string name, string reason) => new(path, name, Failed, null, reason);
}

public sealed record UploadReport(string Scope, IReadOnlyList<FileOutcome> Items)
{
    public int Stored => Items.Count(i => i.Outcome == FileOutcome.Stored);
    public int Unchanged => Items.Count(i => i.Outcome == FileOutcome.Unchanged);
    public int Failed => Items.Count(i => i.Outcome == FileOutcome.Failed);
}

/// <summary>A local file read for upload: its doc name, content, SHA-256 and size as the server will compute them, or why it cannot be a doc.</summary>
public sealed record LocalDoc(string Path, string Name, string Content, string Hash, int SizeBytes, string? Problem);

public enum SyncStep { Upload, Skip }

/// <summary>The pure rules of uploading files as docs: naming, hashing, which files a sync takes, and what it must do with each.</summary>
public static partial class DocFiles
{
    /// <summary>Doc names the server accepts (the same rule as the doc service).</summary>
    public static string? NameProblemOrNull(string fileName) =>
        DocName().IsMatch(fileName) ? null : $"the file name '{fileName}' cannot be a doc name: use 1–120 letters, digits, '.', '_' or '-'.";

    /// <summary>SHA-256 (lowercase hex) of the UTF-8 bytes of the content: exactly what the server stores as content_hash.</summary>
    public static string HashOf(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    public static LocalDoc FromContent(string path, string content)
    {
        var name = System.IO.Path.GetFileName(path);
        var problem = NameProblemOrNull(name);
        if (problem is null && content.Contains('\0')) problem = "it is not a text file.";
        if (problem is null && content.Length == 0) problem = "it is empty.";
        return new LocalDoc(path, name, content, HashOf(content), Encoding.UTF8.GetByteCount(content), problem);
    }

    public static async Task<LocalDoc> ReadAsync(string path, CancellationToken ct) => FromContent(path, await File.ReadAllTextAsync(path, ct));

    /// <summary>The files of a folder a sync takes: not hidden (dotfiles such as .gitkeep are not docs), in name order.</summary>
    public static IReadOnlyList<string> SyncCandidates(IEnumerable<string> paths) =>
        paths.Where(p => !System.IO.Path.GetFileName(p).StartsWith('.')).OrderBy(p => p, StringComparer.Ordinal).ToList();

    /// <summary>Skip a file whose hash equals the server's current content hash; upload everything else.</summary>
    public static SyncStep Plan(LocalDoc file, DocSummary? current) =>
        current is not null && current.ContentHash == file.Hash ? SyncStep.Skip : SyncStep.Upload;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,120}$")]
    private static partial Regex DocName();
}
