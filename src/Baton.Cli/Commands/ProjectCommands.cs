using System.CommandLine;
using System.Text;
using System.Text.Json;
using Baton.Cli.Output;
using Baton.Cli.Project;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Local.Git;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton init</c>, <c>baton decision add</c> and <c>baton status refresh</c>: the canonical files of a project
/// (STATUS.md, DECISIONS.md, AGENTS.md, .baton/config.json) that let a new agent resume in minutes.
/// </summary>
public static class ProjectCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime) => [BuildInit(runtime), BuildDecision(runtime), BuildStatus(runtime)];

    // ---- init ----

    private static Command BuildInit(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture();
        var command = new Command("init",
            $"Set this repo up for agents: {ProjectConfig.RelativePath} (venture and defaults) and, where missing, {ProjectTemplates.StatusFile}, " +
            $"{ProjectTemplates.DecisionsFile} and {ProjectTemplates.AgentsFile}. Never overwrites a file: it says which it kept.");
        var json = CommonOptions.Json();
        command.Options.Add(venture);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var asJson = parse.GetValue(json);
            var root = await RepoRootAsync(runtime, token);
            string code;
            if (parse.GetValue(venture) is { } flag) code = flag.Trim();
            else if (ProjectConfig.LoadOrNull(root) is { } existing) code = existing.Venture;
            else code = await CliTargets.VentureAsync(null, await CliTargets.RepoAsync(null, runtime with { WorkingDirectory = root }, token), context.Services.Ventures, token);
            var v = await context.Services.Ventures.GetVentureAsync(code, token);

            var config = JsonSerializer.Serialize(new ProjectConfig(v.Code, ProjectDefaults.Standard), BatonJson.Indented) + "\n";
            var files = new (string Path, string Content)[]
            {
                (ProjectConfig.RelativePath, config),
                (ProjectTemplates.StatusFile, ProjectTemplates.Status(v)),
                (ProjectTemplates.DecisionsFile, ProjectTemplates.Decisions(v)),
                (ProjectTemplates.AgentsFile, ProjectTemplates.Agents(v)),
            };
            var kept = new List<string>();
            var created = new List<string>();
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(root, relative);
                if (File.Exists(path))
                {
                    kept.Add(relative);
                    if (!asJson) context.Out.WriteLine($"kept     {relative} (exists; not overwritten)");
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // CreateNew: a file that appeared since the check is still never overwritten.
                await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                await using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                {
                    await writer.WriteAsync(content);
                }
                created.Add(relative);
                if (!asJson) context.Out.WriteLine($"created  {relative}");
            }
            if (kept.Contains(ProjectConfig.RelativePath) && ProjectConfig.LoadOrNull(root) is { } current && current.Venture != v.Code)
                runtime.Error.WriteLine($"baton: {ProjectConfig.RelativePath} names venture '{current.Venture}', not '{v.Code}': edit it by hand if the repo moved.");
            if (asJson) Verb.WriteJson(context.Out, new InitResult(v.Code, root, created, kept));
            else context.Out.WriteLine($"{v.Name} ({v.Code}) in {root}: {created.Count} created, {kept.Count} kept. " +
                                       "Next: `baton status refresh`, then commit them.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- decision add ----

    private static Command BuildDecision(CliRuntime runtime)
    {
        var title = new Option<string>("--title") { Description = "What was decided, in a few words.", Required = true };
        var contextOption = new Option<string>("--context") { Description = "The situation and forces that called for a decision.", Required = true };
        var decision = new Option<string>("--decision") { Description = "The decision itself.", Required = true };
        var alternatives = new Option<string>("--alternatives") { Description = "What else was considered, and why not." };
        var consequences = new Option<string>("--consequences") { Description = "What follows from it, good and bad." };
        var supersedes = new Option<string>("--supersedes") { Description = "The earlier decision this replaces (its date and title)." };
        var add = new Command("add", $"Record a decision at the top of {ProjectTemplates.DecisionsFile} (newest first, dated). Older entries are never edited.");
        var json = CommonOptions.Json();
        foreach (Option option in new Option[] { title, contextOption, decision, alternatives, consequences, supersedes, json }) add.Options.Add(option);
        add.SetAction((parse, ct) => Verb.RunWithSettingsAsync(runtime, parse, async (_, token) =>
        {
            var root = await RepoRootAsync(runtime, token);
            var path = Path.Combine(root, ProjectTemplates.DecisionsFile);
            if (!File.Exists(path)) throw new UsageException($"There is no {ProjectTemplates.DecisionsFile} in {root}: run `baton init` first.");
            var entry = new DecisionEntry(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime),
                NotBlank(parse.GetValue(title), "--title"), NotBlank(parse.GetValue(contextOption), "--context"), NotBlank(parse.GetValue(decision), "--decision"),
                parse.GetValue(alternatives), parse.GetValue(consequences), parse.GetValue(supersedes));
            var updated = DecisionLog.Prepend(await File.ReadAllTextAsync(path, token), entry);
            await WriteAtomicallyAsync(path, updated, token);
            if (parse.GetValue(json)) Verb.WriteJson(runtime.Out, new DecisionRecorded(path, entry.Date.ToString("yyyy-MM-dd"), entry.Title));
            else runtime.Out.WriteLine($"Recorded \"{entry.Title}\" at the top of {ProjectTemplates.DecisionsFile} ({entry.Date:yyyy-MM-dd}). Commit it with the change it explains.");
            return ExitCodes.Ok;
        }, ct));
        var command = new Command("decision", $"The decision log, {ProjectTemplates.DecisionsFile}.");
        command.Subcommands.Add(add);
        return command;
    }

    // ---- status refresh ----

    private static Command BuildStatus(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture($"Venture code. Default: {ProjectConfig.RelativePath}, else the venture that owns the repo.");
        var refresh = new Command("refresh",
            $"Rewrite the generated sections of {ProjectTemplates.StatusFile} (active sessions, latest handoffs, open work) from Baton. " +
            "Only the text between `<!-- baton:begin <name> -->` and `<!-- baton:end <name> -->` changes; the hand-written parts stay byte for byte.");
        var json = CommonOptions.Json();
        refresh.Options.Add(venture);
        refresh.Options.Add(json);
        refresh.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var root = await RepoRootAsync(runtime, token);
            var path = Path.Combine(root, ProjectTemplates.StatusFile);
            if (!File.Exists(path)) throw new UsageException($"There is no {ProjectTemplates.StatusFile} in {root}: run `baton init` first.");
            var code = parse.GetValue(venture)?.Trim() ?? ProjectConfig.LoadOrNull(root)?.Venture
                       ?? await CliTargets.VentureAsync(null, await CliTargets.RepoAsync(null, runtime with { WorkingDirectory = root }, token), context.Services.Ventures, token);
            var now = TimeProvider.System.GetUtcNow();
            var sections = await StatusContentAsync(context.Services, code, now, token);

            var original = await File.ReadAllTextAsync(path, token);
            var text = original;
            var missing = new List<string>();
            foreach (var (name, body) in sections)
            {
                if (StatusSections.ReplaceOrNull(text, name, body, path) is { } replaced) text = replaced;
                else missing.Add(name);
            }
            if (text != original) await WriteAtomicallyAsync(path, text, token);
            if (parse.GetValue(json))
                Verb.WriteJson(context.Out, new StatusRefreshed(path, code, text != original,
                    sections.Select(x => x.Name).Except(missing).ToList(), missing));
            else context.Out.WriteLine($"{ProjectTemplates.StatusFile}: {sections.Count - missing.Count} generated section{(sections.Count - missing.Count == 1 ? "" : "s")} " +
                                  $"{(text != original ? "refreshed" : "already current")} for {code}.");
            foreach (var name in missing)
                runtime.Error.WriteLine($"baton: {ProjectTemplates.StatusFile} has no '{name}' section: add `{StatusSections.Begin(name)}` and `{StatusSections.End(name)}` on lines of their own where it should go.");
            return ExitCodes.Ok;
        }, ct));
        var command = new Command("status", $"The project's {ProjectTemplates.StatusFile}.");
        command.Subcommands.Add(refresh);
        return command;
    }

    private const int HandoffsShown = 5, HandoffsScanned = 50;

    /// <summary>The body of each generated section, from the venture's active sessions and recent handoffs.</summary>
    private static async Task<IReadOnlyList<(string Name, string Body)>> StatusContentAsync(BatonConnection services, string venture, DateTimeOffset now, CancellationToken ct)
    {
        var when = Text.When(now);
        var sessions = await services.Sessions.ListSessionsAsync(new SessionListRequest(venture, SessionStatus.Active, PageRequestMax), ct);
        var sessionText = new StringBuilder($"_From Baton at {when} (`baton sessions --venture {venture} --status active`)._\n\n");
        foreach (var s in sessions.Items)
        {
            sessionText.Append($"- **{s.Agent}** ({s.Cli}) on {s.Repo} [{s.Track}]{(s.Branch is null ? "" : $", branch `{s.Branch}`")}" +
                               $"{(s.IssueNumber is null ? "" : $", issue #{s.IssueNumber}")} — last heartbeat {Text.When(s.LastHeartbeatAt)}\n");
        }
        sessionText.Append(sessions.Items.Count == 0 ? "" : "\n").Append(Text.CountLine(sessions.Items.Count, sessions.Total, "active session", null)).Append('\n');

        var handoffs = await services.Handoffs.ListHandoffsAsync(new HandoffListRequest(venture, Limit: HandoffsScanned), ct);
        var newest = handoffs.Items.OrderByDescending(h => h.CreatedAt).ThenByDescending(h => h.Id, StringComparer.Ordinal).ToList();
        var handoffText = new StringBuilder($"_From Baton at {when} (`baton handoffs --venture {venture}`)._\n\n");
        foreach (var h in newest.Take(HandoffsShown))
            handoffText.Append($"- {Text.When(h.CreatedAt)} **{h.FromAgent}** on {h.Repo} [{h.Track}], {Text.Snake(h.Status)}: {h.Summary.ReplaceLineEndings(" ")} ({h.Id})\n");
        handoffText.Append(newest.Count == 0 ? "" : "\n").Append(Text.CountLine(Math.Min(HandoffsShown, newest.Count), handoffs.Total, "handoff", null)).Append('\n');

        // Open work is what the latest handoff of each repo and track left open; older handoffs of the same line of work are superseded by it.
        var latestPerLine = newest.GroupBy(h => (h.Repo, h.Track)).Select(g => g.First()).ToList();
        var openText = new StringBuilder($"_From the latest handoff of each repo and track among the {newest.Count} newest handoffs " +
                                         "(their blocked, in_progress and next_steps lists)._\n\n");
        var open = 0;
        foreach (var h in latestPerLine)
        {
            var payload = HandoffMarkdown.Payload(h);
            foreach (var (field, label) in new[] { ("blocked", "Blocked"), ("in_progress", "In progress"), ("next_steps", "Next") })
            {
                foreach (var item in HandoffMarkdown.List(payload, field))
                {
                    openText.Append($"- **{label}:** {item.ReplaceLineEndings(" ")} — {h.Repo} [{h.Track}], {h.FromAgent}, {h.Id}\n");
                    open++;
                }
            }
        }
        if (open == 0) openText.Append("- Nothing open in the latest handoffs.\n");
        return [("sessions", sessionText.ToString()), ("handoffs", handoffText.ToString()), ("open-work", openText.ToString())];
    }

    private const int PageRequestMax = PageRequest.MaxLimit;

    /// <summary>The top of the git working tree holding the current directory; a usage error outside one.</summary>
    public static async Task<string> RepoRootAsync(CliRuntime runtime, CancellationToken ct)
    {
        var git = await GitWorkspace.DetectAsync(runtime.WorkingDirectory, ct);
        return git.Root ?? throw new UsageException($"{runtime.WorkingDirectory} is not inside a git repository ({git.Problem}): run this in the project's clone.");
    }

    private static string NotBlank(string? value, string flag) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"{flag} must not be empty.") : value.Trim();

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken ct)
    {
        var temp = path + ".baton-tmp";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), ct);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary><c>baton init --json</c>: the venture, the repo root and which files were created or kept (paths relative to the root).</summary>
public sealed record InitResult(string Venture, string Root, IReadOnlyList<string> Created, IReadOnlyList<string> Kept);

/// <summary><c>baton decision add --json</c>.</summary>
public sealed record DecisionRecorded(string File, string Date, string Title);

/// <summary><c>baton status refresh --json</c>: whether STATUS.md changed, the sections written and those it lacks.</summary>
public sealed record StatusRefreshed(string File, string Venture, bool Changed, IReadOnlyList<string> Sections, IReadOnlyList<string> Missing);
