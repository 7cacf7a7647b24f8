using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Cli.Project;

/// <summary>One entry of DECISIONS.md as <c>baton decision add</c> writes it.</summary>
public sealed record DecisionEntry(
    DateOnly Date, string Title, string Context, string Decision,
    string? Alternatives, string? Consequences, string? Supersedes, string Status = "accepted");

/// <summary>
/// DECISIONS.md is append-only, newest first: a new entry goes right after the header (below <see cref="Anchor"/>
/// when the file has it) and no byte of an older entry ever changes.
/// </summary>
public static class DecisionLog
{
    public const string Anchor = "<!-- baton:decisions newest first; new entries go below this line -->";

    public static string Render(DecisionEntry entry)
    {
        var text = new StringBuilder();
        text.Append("## ").Append(entry.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(" — ").Append(OneLine(entry.Title)).Append("\n\n");
        text.Append("- **Status:** ").Append(entry.Status).Append('\n');
        text.Append("- **Context:** ").Append(Indented(entry.Context)).Append('\n');
        text.Append("- **Decision:** ").Append(Indented(entry.Decision)).Append('\n');
        text.Append("- **Alternatives:** ").Append(Indented(entry.Alternatives ?? "none recorded")).Append('\n');
        text.Append("- **Consequences:** ").Append(Indented(entry.Consequences ?? "none recorded")).Append('\n');
        text.Append("- **Supersedes:** ").Append(entry.Supersedes is null ? "nothing" : OneLine(entry.Supersedes)).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="log"/> with <paramref name="entry"/> inserted newest-first: after the anchor line if there is
    /// one, else before the first <c>## </c> entry, else at the end. Everything else is kept byte for byte.
    /// </summary>
    public static string Prepend(string log, DecisionEntry entry)
    {
        var rendered = Render(entry);
        var anchor = log.IndexOf(Anchor, StringComparison.Ordinal);
        int at;
        if (anchor >= 0)
        {
            var lineEnd = log.IndexOf('\n', anchor);
            at = lineEnd < 0 ? log.Length : lineEnd + 1;
            var prefix = lineEnd < 0 ? "\n\n" : "\n";
            return log[..at] + prefix + rendered + (at < log.Length ? "\n" + log[at..].TrimStart('\n') : "");
        }
        at = log.StartsWith("## ", StringComparison.Ordinal) ? 0 : log.IndexOf("\n## ", StringComparison.Ordinal) is var i and >= 0 ? i + 1 : -1;
        if (at >= 0) return log[..at] + rendered + "\n" + log[at..];
        return log + (log.Length == 0 || log.EndsWith("\n\n", StringComparison.Ordinal) ? "" : log.EndsWith('\n') ? "\n" : "\n\n") + rendered;
    }

    private static string OneLine(string value) => value.ReplaceLineEndings(" ").Trim();

    // A multi-line value stays inside its list item.
    private static string Indented(string value) => value.Trim().ReplaceLineEndings("\n  ");
}

/// <summary>
/// The generated blocks of STATUS.md: <c>&lt;!-- baton:begin name --&gt;</c> … <c>&lt;!-- baton:end name --&gt;</c>.
/// Only what lies between a pair is replaced; the marker lines and everything outside them stay byte for byte.
/// </summary>
public static class StatusSections
{
    public static string Begin(string name) => $"<!-- baton:begin {name} -->";
    public static string End(string name) => $"<!-- baton:end {name} -->";

    /// <summary>The text with section <paramref name="name"/>'s body set to <paramref name="body"/>; null when the file lacks its markers.</summary>
    public static string? ReplaceOrNull(string text, string name, string body, string file)
    {
        var begin = text.IndexOf(Begin(name), StringComparison.Ordinal);
        var end = text.IndexOf(End(name), StringComparison.Ordinal);
        if (begin < 0 && end < 0) return null;
        if (begin < 0 || end < 0 || end < begin)
            throw new UsageException($"{file}: the markers of section '{name}' are unpaired or out of order: keep `{Begin(name)}` above `{End(name)}` (or remove both).");
        var bodyStart = text.IndexOf('\n', begin);
        if (bodyStart < 0 || bodyStart > end) throw new UsageException($"{file}: put `{Begin(name)}` and `{End(name)}` on lines of their own.");
        var endLineStart = text.LastIndexOf('\n', end) + 1;
        if (text[endLineStart..end].Trim().Length > 0) throw new UsageException($"{file}: put `{End(name)}` on a line of its own.");
        var newline = bodyStart > 0 && text[bodyStart - 1] == '\r' ? "\r\n" : "\n";
        return text[..(bodyStart + 1)] + body.TrimEnd('\n').ReplaceLineEndings(newline) + newline + text[endLineStart..];
    }
}

/// <summary>A handoff as markdown for <c>docs/handoffs/&lt;agent&gt;.md</c>: what a person reads in the repo's history.</summary>
public static class HandoffMarkdown
{
    public static string Render(Handoff handoff)
    {
        var payload = Payload(handoff);
        var text = new StringBuilder();
        text.Append("# Handoff — ").Append(handoff.FromAgent).Append("\n\n");
        text.Append("- **When:** ").Append(Output.Text.When(handoff.CreatedAt)).Append('\n');
        text.Append("- **Status:** ").Append(Output.Text.Snake(handoff.Status)).Append('\n');
        text.Append("- **Venture / repo / track:** ").Append($"{handoff.Venture} · {handoff.Repo} · {handoff.Track}").Append('\n');
        if (handoff.SessionId is not null) text.Append("- **Session:** ").Append(handoff.SessionId).Append('\n');
        text.Append("- **Handoff:** ").Append(handoff.Id).Append('\n');
        if (handoff.IssueNumber is { } issue) text.Append("- **Issue:** #").Append(issue).Append('\n');
        if (handoff.ToAgent is not null) text.Append("- **For:** ").Append(handoff.ToAgent).Append('\n');
        text.Append('\n').Append(handoff.Summary.Trim()).Append('\n');
        Section(text, "Accomplished", payload, "accomplished");
        Section(text, "In progress", payload, "in_progress");
        Section(text, "Blocked", payload, "blocked");
        Section(text, "Next steps", payload, "next_steps");
        if (List(payload, "success_criteria").Count > 0) Section(text, "Success criteria", payload, "success_criteria");
        return text.ToString();
    }

    /// <summary>The items of one list field of a handoff's canonical payload (empty when absent).</summary>
    public static IReadOnlyList<string> List(JsonElement payload, string field) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList()
            : [];

    public static JsonElement Payload(Handoff handoff)
    {
        using var document = JsonDocument.Parse(handoff.Payload);
        return document.RootElement.Clone();
    }

    /// <summary>A file name from an agent name: anything but letters, digits, '.', '_' and '-' becomes '-'.</summary>
    public static string FileName(string agent)
    {
        var name = new string(agent.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('.');
        return (name.Length == 0 ? "agent" : name) + ".md";
    }

    private static void Section(StringBuilder text, string title, JsonElement payload, string field)
    {
        text.Append("\n## ").Append(title).Append("\n\n");
        var items = List(payload, field);
        if (items.Count == 0) text.Append("- (none)\n");
        foreach (var item in items) text.Append("- ").Append(item.Trim().ReplaceLineEndings("\n  ")).Append('\n');
    }
}

/// <summary>
/// <c>.baton/config.json</c>, written by <c>baton init</c>: which venture the repo belongs to and the defaults its
/// verbs use. <c>{"venture": "alpha", "defaults": {"track": "main", "agent_cli": "claude", "handoffs_dir": "docs/handoffs"}}</c>
/// </summary>
public sealed record ProjectConfig(string Venture, ProjectDefaults Defaults)
{
    public const string RelativePath = ".baton/config.json";

    public static ProjectConfig? LoadOrNull(string repoRoot)
    {
        var path = Path.Combine(repoRoot, RelativePath);
        if (!File.Exists(path)) return null;
        try
        {
            var config = JsonSerializer.Deserialize<ProjectConfig>(File.ReadAllText(path), BatonJson.Options);
            return config is { Venture.Length: > 0 } ? config : throw new UsageException($"{path} names no venture: set \"venture\" to the venture's code.");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{path} is not valid JSON (line {ex.LineNumber + 1}): fix it, or delete it and run `baton init` again.");
        }
    }
}

/// <param name="Track">The track sessions here use unless told otherwise.</param>
/// <param name="AgentCli">The agent <c>baton launch</c> starts for this repo's venture unless told otherwise.</param>
/// <param name="HandoffsDir">Where <c>baton eod --git</c> writes handoffs, relative to the repo root.</param>
public sealed record ProjectDefaults(string Track, string AgentCli, string HandoffsDir)
{
    public static ProjectDefaults Standard { get; } = new(Session.DefaultTrack, "claude", "docs/handoffs");
}
