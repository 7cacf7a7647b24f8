using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Knowledge;

namespace Baton.Core.Activity;

/// <summary>
/// What a hook event means (docs/architecture.md §15, decisions/0019-hook-events.md): its kind, judged from the CLI and
/// the CLI's own event name (and, for notifications, their type); the tool it names; a bounded, secret-scanned summary
/// of the few input fields that say what happened; and what it does to the session's place in the waiting queue.
/// Pure: every input is passed in. Lenient by design — a field the rules do not know is ignored, a field they expect
/// but do not find (or find with another JSON type) is simply absent, an event they do not know is
/// <see cref="HookEventKind.Other"/> — because a CLI release that adds a field must never make Baton lose events.
/// </summary>
public static class HookEventRules
{
    /// <summary>The most events one batch may carry.</summary>
    public const int MaxBatch = 500;

    /// <summary>The most characters a stored summary (and a waiting message), file path or command keeps.</summary>
    public const int MaxSummaryChars = 300;

    /// <summary>The most characters of a turn's last assistant message an event keeps (for Baton's drafted handoffs).</summary>
    public const int MaxMessageChars = 1_000;

    public const int MaxEventNameLength = 100;
    public const int MaxNativeSessionIdLength = 200;
    public const int MaxCwdLength = 4_096;

    /// <summary>The reason a turn that ended asking the human something is waiting under.</summary>
    public const string QuestionReason = "question";

    /// <summary>How long events are kept (the purge deletes older ones).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(14);

    // Claude Code's notification types that describe another agent (the fleet view), or nothing a human must answer.
    // Any other type — permission_prompt, idle_prompt, elicitation_dialog, worker_permission_prompt, and types a later
    // release adds — is a wait: a notification is the CLI telling its user something needs them.
    private static readonly HashSet<string> NotWaitingNotifications = new(StringComparer.OrdinalIgnoreCase)
    {
        "auth_success", "agent_needs_input", "agent_completed", "push_notification", "computer_use_enter", "computer_use_exit",
    };

    /// <summary>
    /// The kind of <paramref name="eventName"/> from <paramref name="cli"/>. Event names compare without case (the CLIs
    /// spell them in PascalCase, Codex's legacy notify in kebab-case). A turn end whose last assistant message asks the
    /// human something (<see cref="AsksHuman"/>) is <see cref="HookEventKind.Waiting"/>: in an interactive session that
    /// turn waits for an answer, and Codex and Gemini have no other signal for it.
    /// </summary>
    public static HookEventKind Classify(HookCli cli, string eventName, JsonObject? payload)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var kind = (cli, eventName.ToLowerInvariant()) switch
        {
            (_, "sessionstart") => HookEventKind.SessionStart,
            (_, "sessionend") => HookEventKind.SessionEnd,
            (HookCli.Claude or HookCli.Codex, "pretooluse" or "posttooluse" or "posttoolusefailure" or "posttoolbatch") => HookEventKind.Tool,
            (HookCli.Gemini, "beforetool" or "aftertool") => HookEventKind.Tool,
            (HookCli.Claude or HookCli.Codex, "userpromptsubmit" or "userpromptexpansion") => HookEventKind.Prompt,
            // The human answered an MCP server's question: the same as typing a prompt.
            (HookCli.Claude, "elicitationresult") => HookEventKind.Prompt,
            (HookCli.Gemini, "beforeagent") => HookEventKind.Prompt,
            (HookCli.Claude or HookCli.Codex, "permissionrequest") => HookEventKind.Waiting,
            (HookCli.Claude, "elicitation") => HookEventKind.Waiting,
            (HookCli.Claude, "notification") => IsWaitingNotification(payload) ? HookEventKind.Waiting : HookEventKind.Other,
            // Gemini documents one notification type (ToolPermission); every notification asks for the user.
            (HookCli.Gemini, "notification") => HookEventKind.Waiting,
            (HookCli.Claude or HookCli.Codex, "stop" or "stopfailure") => HookEventKind.TurnEnd,
            (HookCli.Gemini, "afteragent") => HookEventKind.TurnEnd,
            (HookCli.Codex, "agent-turn-complete") => HookEventKind.TurnEnd,
            (HookCli.Claude or HookCli.Codex, "precompact" or "postcompact") => HookEventKind.Compaction,
            (HookCli.Gemini, "precompress") => HookEventKind.Compaction,
            _ => HookEventKind.Other,
        };
        // StopFailure is an API error ending the turn, not a question to anyone.
        if (kind == HookEventKind.TurnEnd && !eventName.Equals("StopFailure", StringComparison.OrdinalIgnoreCase)
            && AsksHuman(LastAssistantMessage(payload)))
            return HookEventKind.Waiting;
        return kind;
    }

    /// <summary>
    /// True when the last line of the assistant's message that has text ends with a question mark: the turn ended
    /// asking the human. A question earlier in the message followed by more text is not counted (the agent went on).
    /// </summary>
    public static bool AsksHuman(string? lastAssistantMessage)
    {
        if (string.IsNullOrWhiteSpace(lastAssistantMessage)) return false;
        var last = LastLine(lastAssistantMessage).TrimEnd('*', '_', '`', ' ', '\t', ')', '"', '\'');
        return last.EndsWith('?') || last.EndsWith('？');
    }

    /// <summary>The tool an event names (<c>tool_name</c>), or null.</summary>
    public static string? ToolOf(JsonObject? payload) => Str(payload, "tool_name") is { Length: > 0 } tool ? OneLine(tool, 200) : null;

    /// <summary>
    /// Why a waiting event waits: the notification's type when it has one, <see cref="QuestionReason"/> for a turn that
    /// ended asking, else the event's own name.
    /// </summary>
    public static string WaitingReason(HookCli cli, string eventName, JsonObject? payload)
    {
        if (Str(payload, "notification_type") is { Length: > 0 } type) return OneLine(type, MaxEventNameLength);
        if (Classify(cli, eventName, null) == HookEventKind.TurnEnd) return QuestionReason;
        return eventName;
    }

    /// <summary>
    /// The bounded summary of an event: for a tool call the tool's name and the input fields that say what it did
    /// (file path, the command's first line, pattern, url); a notification's message; a turn end's last line; a
    /// session start's source, an end's reason, a compaction's trigger. Prompts are not summarised: what a human typed
    /// stays in the CLI's transcript. Passed through <see cref="SecretScanner"/> before it is cut, so a credential
    /// split by the cut is still found: a summary that looks like it holds one keeps only the tool's name and the kind
    /// of secret. At most <see cref="MaxSummaryChars"/> characters, cut at a text-element boundary; one line of cleaned
    /// text. Null when there is nothing to say.
    /// </summary>
    public static string? Summarize(HookCli cli, string eventName, HookEventKind kind, JsonObject? payload)
    {
        var tool = ToolOf(payload);
        var text = kind switch
        {
            HookEventKind.Tool => ToolSummary(tool, payload),
            HookEventKind.Waiting or HookEventKind.TurnEnd or HookEventKind.Other => WaitingOrOtherText(payload),
            HookEventKind.SessionStart => Join(Str(payload, "source"), Str(payload, "model")),
            HookEventKind.SessionEnd => Str(payload, "reason"),
            HookEventKind.Compaction => Str(payload, "trigger"),
            _ => null,
        };
        // A permission request names its tool, and the tool's input says what it wants to do.
        if (kind == HookEventKind.Waiting && text is null && tool is not null) text = ToolSummary(tool, payload);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return Bounded(text, tool);
    }

    /// <summary>
    /// The file a tool event touched (<c>file_path</c>, <c>notebook_path</c>, <c>absolute_path</c> or <c>path</c> of its
    /// input), bounded and secret-scanned like the summary; null for any other event or when there is none.
    /// </summary>
    public static string? FilePathOf(HookEventKind kind, JsonObject? payload) =>
        kind == HookEventKind.Tool && PathOf(payload?["tool_input"] as JsonObject) is { Length: > 0 } path && !string.IsNullOrWhiteSpace(path)
            ? Bounded(path) : null;

    /// <summary>The first line of the command a tool event ran, bounded and secret-scanned; null when it ran none.</summary>
    public static string? CommandOf(HookEventKind kind, JsonObject? payload) =>
        kind == HookEventKind.Tool && Str(payload?["tool_input"] as JsonObject, "command") is { Length: > 0 } command
        && !string.IsNullOrWhiteSpace(command) ? Bounded(FirstLine(command)) : null;

    /// <summary>
    /// A turn's last assistant message (a turn end, or a turn that ended asking), bounded to
    /// <see cref="MaxMessageChars"/> on one line and secret-scanned; null for other events. Prompts are never kept.
    /// </summary>
    public static string? MessageOf(HookEventKind kind, string eventName, JsonObject? payload)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var turn = kind == HookEventKind.TurnEnd
            || (kind == HookEventKind.Waiting && Str(payload, "message") is null && LastAssistantMessage(payload) is not null);
        if (!turn || LastAssistantMessage(payload) is not { } last || string.IsNullOrWhiteSpace(last)) return null;
        return BoundedTo(last, null, MaxMessageChars);
    }

    /// <summary>
    /// The one line of <paramref name="text"/> that may be stored: cleaned, scanned for secrets (a finding replaces the
    /// text by what was found, never the value), and cut to <see cref="MaxSummaryChars"/>.
    /// </summary>
    public static string Bounded(string text, string? tool = null) => BoundedTo(text, tool, MaxSummaryChars);

    private static string BoundedTo(string text, string? tool, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = SecretScanner.Scan(text);
        // The generic NAME=value rule reads whole lines; a command often sets one inline (`API_TOKEN=… make deploy`).
        if (findings.Count == 0)
            findings = [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(word => SecretScanner.Scan(word))];
        if (findings.Count > 0)
            return OneLine((tool is null ? "" : tool + ": ") + $"[withheld: looks like a {findings[0].Kind}]", MaxSummaryChars);
        return OneLine(text, maxChars);
    }

    /// <summary>
    /// What an event does to its session's place in the waiting queue: a wait puts it there (or keeps it, the first
    /// wait's time kept); a prompt, a tool call or the session's end takes it out; anything else leaves it as it is.
    /// A tool call clears only a wait that began no later than the call (<see cref="WaitingChange.Clear.At"/>), so an
    /// event that happened before the wait cannot end it.
    /// </summary>
    public static WaitingChange WaitingAfter(HookEventKind kind, string reason, string? message, DateTimeOffset at) => kind switch
    {
        HookEventKind.Waiting => new WaitingChange.Set(reason, message, at),
        HookEventKind.Prompt or HookEventKind.Tool or HookEventKind.SessionEnd => new WaitingChange.Clear(at),
        _ => WaitingChange.None.Instance,
    };

    /// <summary>
    /// Checks one event as the hook sent it; every problem goes into <paramref name="v"/> under
    /// <c>{prefix}.{field}</c>. Unknown payload fields are never a problem.
    /// </summary>
    public static void Validate(Validator v, string prefix, HookEventInput e)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(e);
        if (string.IsNullOrEmpty(e.Id)) v.Add($"{prefix}.id", "is required: the event id `baton hook` minted (evt_<ULID>).");
        else if (!IdGenerator.IsId(e.Id, IdGenerator.Event)) v.Add($"{prefix}.id", $"'{OneLine(e.Id, 60)}' is not an event id: evt_ followed by a ULID (IdGenerator.Event).");
        if (e.Cli is null) v.Add($"{prefix}.cli", "is required: claude, gemini or codex.");
        v.Required($"{prefix}.event", e.Event, MaxEventNameLength);
        if (e.OccurredAt is null) v.Add($"{prefix}.occurred_at", "is required: when the hook fired.");
        v.Text($"{prefix}.native_session_id", e.NativeSessionId, MaxNativeSessionIdLength);
        v.Text($"{prefix}.cwd", e.Cwd, MaxCwdLength);
        if (!string.IsNullOrEmpty(e.SessionId) && !IdGenerator.IsId(e.SessionId, IdGenerator.Session))
            v.Add($"{prefix}.session_id", $"'{OneLine(e.SessionId, 60)}' is not a session id (sess_…).");
        v.NoBidiControls($"{prefix}.agent", v.Text($"{prefix}.agent", e.Agent));
        if (!string.IsNullOrEmpty(e.Venture)) v.VentureCode($"{prefix}.venture", e.Venture);
        v.NoBidiControls($"{prefix}.repo", v.Text($"{prefix}.repo", e.Repo));
        if (e.Usage is { } usage) ValidateUsage(v, $"{prefix}.usage", usage);
    }

    /// <summary>
    /// A transcript's usage: input and output tokens required, each count (the cache ones when given) 0 to
    /// <see cref="Spend.SpendRules.MaxTokensPerReport"/>, like a task result's — so spend's sums stay exact integers.
    /// </summary>
    public static void ValidateUsage(Validator v, string prefix, HookUsage usage)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(usage);
        Count(v, $"{prefix}.input_tokens", usage.InputTokens, required: true);
        Count(v, $"{prefix}.output_tokens", usage.OutputTokens, required: true);
        Count(v, $"{prefix}.cache_read_tokens", usage.CacheReadTokens, required: false);
        Count(v, $"{prefix}.cache_creation_tokens", usage.CacheCreationTokens, required: false);
    }

    private static void Count(Validator v, string field, long? value, bool required)
    {
        if (value is null)
        {
            if (required) v.Add(field, "is required in a usage report (0 when there were none).");
        }
        else if (value is < 0 or > Spend.SpendRules.MaxTokensPerReport)
        {
            v.Add(field, $"must be 0 to {Spend.SpendRules.MaxTokensPerReport:N0}.");
        }
    }

    private static bool IsWaitingNotification(JsonObject? payload) =>
        // Before notification types existed, every Claude notification was a permission prompt or "waiting for input".
        Str(payload, "notification_type") is not { Length: > 0 } type || !NotWaitingNotifications.Contains(type);

    private static string? ToolSummary(string? tool, JsonObject? payload)
    {
        var input = payload?["tool_input"] as JsonObject;
        var parts = new List<string>();
        if (PathOf(input) is { Length: > 0 } path)
            parts.Add(path);
        if (Str(input, "command") is { Length: > 0 } command) parts.Add(FirstLine(command));
        if (Str(input, "pattern") is { Length: > 0 } pattern) parts.Add(pattern);
        if (Str(input, "url") is { Length: > 0 } url) parts.Add(url);
        var details = string.Join(" · ", parts);
        if (tool is null) return details.Length == 0 ? null : details;
        return details.Length == 0 ? tool : tool + ": " + details;
    }

    private static string? PathOf(JsonObject? input) =>
        Str(input, "file_path") ?? Str(input, "notebook_path") ?? Str(input, "absolute_path") ?? Str(input, "path");

    private static string? WaitingOrOtherText(JsonObject? payload) =>
        Str(payload, "message") is { Length: > 0 } message ? message
        : LastAssistantMessage(payload) is { Length: > 0 } last ? LastLine(last)
        : null;

    /// <summary>The assistant's last message as each CLI names it: Claude and Codex hooks, Codex notify, Gemini's AfterAgent.</summary>
    private static string? LastAssistantMessage(JsonObject? payload) =>
        Str(payload, "last_assistant_message") ?? Str(payload, "last-assistant-message") ?? Str(payload, "prompt_response");

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(" · ", present);
    }

    /// <summary>A string member, or null when absent or of another JSON type (lenient: never an error).</summary>
    private static string? Str(JsonObject? obj, string name) =>
        obj is not null && obj.TryGetPropertyValue(name, out var node) && node is JsonValue value
        && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string FirstLine(string text)
    {
        var trimmed = text.TrimStart();
        var end = trimmed.AsSpan().IndexOfAny('\n', '\r');
        return end < 0 ? trimmed : trimmed[..end];
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', '\r');
        for (var i = lines.Length - 1; i >= 0; i--)
            if (!string.IsNullOrWhiteSpace(lines[i])) return lines[i].Trim();
        return "";
    }

    /// <summary>Cleaned one-line text of at most <paramref name="maxChars"/>, ending with "…" when cut, never inside a text element.</summary>
    private static string OneLine(string text, int maxChars)
    {
        var clean = DisplayText.Clean(text).Replace('\n', ' ').Replace('\t', ' ').Trim();
        if (clean.Length <= maxChars) return clean;
        var end = 0;
        while (end < clean.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(clean, end);
            if (next > maxChars - 1) break;
            end = next;
        }
        return new StringBuilder(clean, 0, end, maxChars).ToString().TrimEnd() + "…";
    }
}

/// <summary>What one event does to its session's place in the waiting queue (<see cref="HookEventRules.WaitingAfter"/>).</summary>
public abstract record WaitingChange
{
    private WaitingChange() { }

    /// <summary>Waiting from <see cref="Since"/> (a session already waiting keeps its first time, takes the new reason and message).</summary>
    public sealed record Set(string Reason, string? Message, DateTimeOffset Since) : WaitingChange;

    /// <summary>No longer waiting, if it waited since <see cref="At"/> or earlier.</summary>
    public sealed record Clear(DateTimeOffset At) : WaitingChange;

    public sealed record None : WaitingChange
    {
        public static None Instance { get; } = new();
    }
}
