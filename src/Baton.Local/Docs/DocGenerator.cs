using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;

namespace Baton.Local.Docs;

/// <summary>
/// Builds a required doc from what a local repository already holds (runs client-side, next to the clone): agent
/// instruction files, README, package manifests of common ecosystems, process docs, route declarations of common web
/// frameworks, OpenAPI documents, HTTP test files, SQL migrations and schema files. The doc opens with a header naming
/// every file it came from. It never produces an empty or placeholder doc: when no source yields content, it says why.
/// </summary>
public static partial class DocGenerator
{
    /// <summary>The source kinds a requirement's <c>generation_sources</c> may name; anything else is a glob.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownSources = new Dictionary<string, string>
    {
        ["instructions"] = "agent instruction files (CLAUDE.md, AGENTS.md, GEMINI.md, .github/copilot-instructions.md)",
        ["readme"] = "README",
        ["manifests"] = "package manifests (package.json, *.csproj, pyproject.toml, Cargo.toml, go.mod)",
        ["process_docs"] = "process docs (docs/process/*.md)",
        ["routes"] = "route declarations (Express, FastAPI/Flask, ASP.NET Core, Go net/http/gin/echo, Spring)",
        ["openapi"] = "OpenAPI documents (openapi.*, swagger.*)",
        ["http_tests"] = "HTTP test files (*.http, *.rest)",
        ["migrations"] = "SQL migrations (*.sql under a migrations folder)",
        ["schema"] = "schema files (schema.sql, structure.sql, schema.prisma, schema.rb, *.dbml)",
    };

    private const int MaxFileChars = 16_000;
    private const int MaxDocChars = 200_000;
    private const int MaxFilesWalked = 20_000;
    private static readonly HashSet<string> SkippedDirs = new(StringComparer.OrdinalIgnoreCase)
        { ".git", "node_modules", "bin", "obj", "target", "dist", "build", "vendor", ".venv", "venv", "__pycache__", ".next", ".baton" };

    public static GeneratedDoc Generate(DocRequirement requirement, Venture venture, string repoPath, DateTimeOffset now) =>
        Generate(DocAudit.NameFor(requirement, venture), requirement.GenerationSources, venture, repoPath, now);

    /// <summary>Builds the doc <paramref name="name"/> from <paramref name="sources"/> (kinds from <see cref="KnownSources"/>, or globs).</summary>
    public static GeneratedDoc Generate(string name, IReadOnlyList<string> sources, Venture venture, string repoPath, DateTimeOffset now)
    {
        if (!Directory.Exists(repoPath)) return GeneratedDoc.Failed(name, $"the repo path {repoPath} does not exist.");
        if (sources.Count == 0) return GeneratedDoc.Failed(name, "the requirement names no generation sources.");

        var files = Walk(repoPath);
        var sections = new List<(string Heading, string Body, IReadOnlyList<string> Sources)>();
        foreach (var source in sources)
        {
            var section = source switch
            {
                "instructions" => Verbatim("Agent instructions", Pick(files, f => f is "CLAUDE.md" or "AGENTS.md" or "GEMINI.md" or ".github/copilot-instructions.md"), repoPath),
                "readme" => Verbatim("README", Pick(files, f => Regex.IsMatch(f, "^readme(\\.md|\\.txt|\\.rst)?$", RegexOptions.IgnoreCase)), repoPath),
                "manifests" => Verbatim("Package manifests", Pick(files, IsManifest), repoPath),
                "process_docs" => Verbatim("Process", Pick(files, f => f.StartsWith("docs/process/", StringComparison.Ordinal) && f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)), repoPath),
                "routes" => Routes(files, repoPath),
                "openapi" => OpenApi(Pick(files, f => Regex.IsMatch(Path.GetFileName(f), "^(openapi|swagger)[^/]*\\.(json|ya?ml)$", RegexOptions.IgnoreCase)), repoPath),
                "http_tests" => Verbatim("HTTP tests", Pick(files, f => f.EndsWith(".http", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".rest", StringComparison.OrdinalIgnoreCase)), repoPath),
                "migrations" => Verbatim("Migrations", Pick(files, f => f.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) && f.Contains("migration", StringComparison.OrdinalIgnoreCase)), repoPath),
                "schema" => Verbatim("Schema", Pick(files, f => Path.GetFileName(f) is "schema.sql" or "structure.sql" or "schema.prisma" or "schema.rb" || f.EndsWith(".dbml", StringComparison.OrdinalIgnoreCase)), repoPath),
                _ => Verbatim(source, Pick(files, f => Glob(source).IsMatch(f)), repoPath),
            };
            if (section is not null) sections.Add(section.Value);
        }

        if (sections.Count == 0)
        {
            var looked = string.Join("; ", sources.Select(s => KnownSources.TryGetValue(s, out var d) ? d : $"files matching {s}"));
            return GeneratedDoc.Failed(name, $"no source had content in {repoPath}: looked for {looked}.");
        }

        var used = sections.SelectMany(s => s.Sources).Distinct(StringComparer.Ordinal).ToList();
        var title = $"{venture.Name} — {Describe(name, venture)}";
        var doc = new StringBuilder();
        doc.Append($"<!-- Generated by `baton docs heal` on {now:yyyy-MM-dd} from: {string.Join(", ", used)}. Edit the sources, not this file. -->\n");
        doc.Append($"# {title}\n\n");
        doc.Append($"Generated from {used.Count} file{(used.Count == 1 ? "" : "s")} in {Path.GetFileName(Path.GetFullPath(repoPath).TrimEnd('/'))}: {string.Join(", ", used)}.\n\n");
        foreach (var (heading, body, _) in sections)
        {
            doc.Append($"## {heading}\n\n{body.TrimEnd()}\n\n");
            if (doc.Length > MaxDocChars) break;
        }
        var content = doc.Length > MaxDocChars ? doc.ToString(0, MaxDocChars) + "\n\n(… cut at 200,000 characters)\n" : doc.ToString();
        return new GeneratedDoc(true, name, title, content, used, null);
    }

    private static string Describe(string name, Venture venture)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        if (stem.StartsWith(venture.Code + "-", StringComparison.Ordinal)) stem = stem[(venture.Code.Length + 1)..];
        return stem.Replace('-', ' ');
    }

    private static bool IsManifest(string f)
    {
        var file = Path.GetFileName(f);
        return file is "package.json" or "pyproject.toml" or "Cargo.toml" or "go.mod" || file.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Repo-relative paths (forward slashes), sorted, skipping build output, dependencies and VCS folders.</summary>
    private static List<string> Walk(string root)
    {
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0 && result.Count < MaxFilesWalked)
        {
            var dir = pending.Pop();
            IEnumerable<string> entries;
            try
            {
                foreach (var sub in Directory.EnumerateDirectories(dir))
                {
                    if (!SkippedDirs.Contains(Path.GetFileName(sub))) pending.Push(sub);
                }
                entries = Directory.EnumerateFiles(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            result.AddRange(entries.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')));
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static List<string> Pick(List<string> files, Func<string, bool> match) => files.Where(match).ToList();

    private static (string, string, IReadOnlyList<string>)? Verbatim(string heading, List<string> picked, string root)
    {
        var body = new StringBuilder();
        var used = new List<string>();
        foreach (var file in picked)
        {
            var text = Read(root, file);
            if (string.IsNullOrWhiteSpace(text)) continue;
            used.Add(file);
            var fence = Fence(file);
            body.Append($"### {file}\n\n");
            if (fence is null) body.Append(text.Trim()).Append("\n\n");
            else body.Append($"```{fence}\n{text.Trim()}\n```\n\n");
        }
        return used.Count == 0 ? null : (heading, body.ToString(), used);
    }

    private static string? Read(string root, string file)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(root, file));
            return text.Length > MaxFileChars ? text[..MaxFileChars] + "\n… (cut at 16,000 characters)" : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Fence(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".md" or ".txt" or ".rst" or "" => null,
        ".json" => "json",
        ".toml" => "toml",
        ".csproj" => "xml",
        ".sql" => "sql",
        ".yaml" or ".yml" => "yaml",
        ".http" or ".rest" => "http",
        ".mod" => "go",
        ".prisma" => "prisma",
        ".rb" => "ruby",
        _ => "text",
    };

    private static (string, string, IReadOnlyList<string>)? Routes(List<string> files, string root)
    {
        var rows = new List<(string Method, string Path, string Where)>();
        var used = new List<string>();
        foreach (var file in files.Where(f => Regex.IsMatch(f, "\\.(js|mjs|cjs|ts|py|cs|go|java|kt)$")))
        {
            var text = Read(root, file);
            if (text is null) continue;
            var before = rows.Count;
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var pattern in RoutePatterns)
                {
                    var m = pattern.Match(lines[i]);
                    if (!m.Success) continue;
                    var method = m.Groups["method"].Value;
                    method = method.Length == 0 ? "ANY" : method.Replace("Map", "").Replace("Http", "").Replace("Mapping", "").ToUpperInvariant();
                    rows.Add((method, m.Groups["path"].Value, $"{file}:{i + 1}"));
                    break;
                }
            }
            if (rows.Count > before) used.Add(file);
        }
        if (rows.Count == 0) return null;
        var body = new StringBuilder("| method | path | declared at |\n|---|---|---|\n");
        foreach (var (method, path, where) in rows) body.Append($"| {method} | `{path}` | {where} |\n");
        return ("Routes", body.ToString(), used);
    }

    private static readonly Regex[] RoutePatterns =
    [
        // Express / Koa / Fastify: app.get('/x', …), router.post("/x"
        new(@"\b(?:app|router|server|api)\.(?<method>get|post|put|patch|delete)\(\s*['""`](?<path>/[^'""`]*)['""`]", RegexOptions.IgnoreCase),
        // FastAPI / Flask decorators: @app.get("/x"), @router.post("/x"), @app.route("/x")
        new(@"@\w+\.(?<method>get|post|put|patch|delete|route)\(\s*['""](?<path>/[^'""]*)['""]", RegexOptions.IgnoreCase),
        // ASP.NET Core minimal APIs and attributes: MapGet("/x"), [HttpPost("x")]
        new(@"\.(?<method>MapGet|MapPost|MapPut|MapPatch|MapDelete)\(\s*""(?<path>[^""]*)"""),
        new(@"\[(?<method>HttpGet|HttpPost|HttpPut|HttpPatch|HttpDelete)\(\s*""(?<path>[^""]*)"""),
        // Go: http.HandleFunc("/x"), r.GET("/x") (gin), e.POST("/x") (echo)
        new(@"\bHandleFunc\(\s*""(?<path>/[^""]*)"""),
        new(@"\b\w+\.(?<method>GET|POST|PUT|PATCH|DELETE)\(\s*""(?<path>/[^""]*)"""),
        // Spring: @GetMapping("/x")
        new(@"@(?<method>Get|Post|Put|Patch|Delete)Mapping\(\s*(?:value\s*=\s*)?""(?<path>[^""]*)"""),
    ];

    private static (string, string, IReadOnlyList<string>)? OpenApi(List<string> picked, string root)
    {
        var body = new StringBuilder();
        var used = new List<string>();
        foreach (var file in picked)
        {
            var text = Read(root, file);
            if (string.IsNullOrWhiteSpace(text)) continue;
            var paths = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonPaths(text) : YamlPaths(text);
            if (paths.Count == 0) continue;
            used.Add(file);
            body.Append($"### {file}\n\n| method | path | summary |\n|---|---|---|\n");
            foreach (var (method, path, summary) in paths) body.Append($"| {method} | `{path}` | {summary} |\n");
            body.Append('\n');
        }
        return used.Count == 0 ? null : ("OpenAPI", body.ToString(), used);
    }

    private static List<(string, string, string)> JsonPaths(string text)
    {
        var result = new List<(string, string, string)>();
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (!doc.RootElement.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object) return result;
            foreach (var path in paths.EnumerateObject())
            {
                if (path.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var op in path.Value.EnumerateObject())
                {
                    var summary = op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("summary", out var s) ? s.GetString() ?? "" : "";
                    result.Add((op.Name.ToUpperInvariant(), path.Name, summary));
                }
            }
        }
        catch (JsonException)
        {
            // A malformed document yields no paths; the section is then left out rather than half-made.
        }
        return result;
    }

    private static List<(string, string, string)> YamlPaths(string text)
    {
        // Enough YAML for the usual OpenAPI layout: "paths:" then two-space path keys and four-space method keys.
        var result = new List<(string, string, string)>();
        string? path = null;
        var inPaths = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (Regex.IsMatch(line, "^paths:\\s*$")) { inPaths = true; continue; }
            if (inPaths && Regex.IsMatch(line, "^\\S")) inPaths = false;
            if (!inPaths) continue;
            var p = Regex.Match(line, "^  ['\"]?(/[^'\":]*)['\"]?:\\s*$");
            if (p.Success) { path = p.Groups[1].Value; continue; }
            var m = Regex.Match(line, "^    (get|post|put|patch|delete|head|options):\\s*$");
            if (m.Success && path is not null) result.Add((m.Groups[1].Value.ToUpperInvariant(), path, ""));
        }
        return result;
    }

    /// <summary>A small glob: <c>**</c> crosses folders, <c>*</c> stays within one, <c>?</c> is one character.</summary>
    public static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') i++;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase);
    }
}
