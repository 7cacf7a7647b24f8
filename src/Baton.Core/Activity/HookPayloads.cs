using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Activity;

/// <summary>
/// Turns one hook call of an agent CLI into the <see cref="HookEventInput"/> the outbox keeps (docs/architecture.md
/// §15, "The hook and the outbox"). Pure and lenient: it never throws. Claude Code, Gemini CLI and Codex's hooks pass
/// one JSON object on stdin; Codex's legacy <c>notify</c> passes it as the last argument. Unknown fields are kept;
/// JSON that is cut off or is not JSON at all still makes an event, with every top-level field that could be read and
/// the text itself (bounded). Long strings anywhere in the payload (a Write's <c>content</c>) are cut to
/// <see cref="MaxStringChars"/>, so one hook call never puts megabytes in the outbox.
/// </summary>
public static class HookPayloads
{
    /// <summary>The prefix of the ids the hook mints for events (the idempotency key): <c>evt_&lt;ULID&gt;</c>.</summary>
    public const string IdPrefix = IdGenerator.Event;

    /// <summary>The longest string kept anywhere in a payload; the server's summary needs far less (≤ 300 chars).</summary>
    public const int MaxStringChars = 2_000;

    /// <summary>The most items kept of one array (Codex's <c>input-messages</c>, a tool's list input).</summary>
    public const int MaxArrayItems = 50;

    /// <summary>How deep a payload is kept; anything below is replaced by a marker.</summary>
    public const int MaxDepth = 8;

    /// <summary>Added to a payload that was not a whole JSON object: what went wrong, in a few words.</summary>
    public const string ParseProblemField = "baton_parse_problem";

    /// <summary>Added to a payload that was not a whole JSON object: the text as received, cut to <see cref="MaxStringChars"/>.</summary>
    public const string RawTextField = "baton_raw";

    /// <summary>The CLI named on the command line (<c>claude</c>, <c>gemini</c>, <c>codex</c>, any case); null for anything else.</summary>
    public static HookCli? CliOrNull(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "claude" => HookCli.Claude,
        "gemini" => HookCli.Gemini,
        "codex" => HookCli.Codex,
        _ => null,
    };

    /// <summary>
    /// The event of one hook call. <paramref name="arguments"/> are those after <c>baton hook &lt;cli&gt;</c>: an optional
    /// event name, and for Codex's <c>notify</c> the JSON payload as the last one (recognised by its leading <c>{</c>).
    /// <paramref name="stdin"/> is what the CLI wrote on standard input (null when nothing was read).
    /// </summary>
    public static HookEventInput Parse(HookCli cli, IReadOnlyList<string> arguments, string? stdin, DateTimeOffset now, string id)
    {
        var argumentPayload = arguments.Count > 0 && arguments[^1].TrimStart().StartsWith('{') ? arguments[^1] : null;
        var eventArgument = arguments.Count > (argumentPayload is null ? 0 : 1) && !arguments[0].TrimStart().StartsWith('{') ? arguments[0].Trim() : null;
        // Codex's notify leaves stdin empty; when both carry something the argument is the one notify wrote.
        var text = argumentPayload ?? (string.IsNullOrWhiteSpace(stdin) ? null : stdin);
        var payload = text is null ? new JsonObject() : ReadObject(text);
        payload = (JsonObject)Bound(payload, 0)!;

        var eventName = String(payload, "hook_event_name") ?? NonEmpty(eventArgument) ?? String(payload, "type") ?? "unknown";
        var nativeSession = String(payload, "session_id") ?? String(payload, "thread-id") ?? String(payload, "thread_id");
        var occurredAt = Time(String(payload, "timestamp")) ?? now;
        return new HookEventInput(id, cli, eventName, occurredAt, nativeSession, String(payload, "cwd"), Payload: payload);
    }

    /// <summary>The text as a JSON object; otherwise every top-level member read before the text went wrong, plus the problem and the raw text.</summary>
    public static JsonObject ReadObject(string text)
    {
        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })
                is JsonObject whole)
                return whole;
            return Salvaged(new JsonObject(), "not a JSON object", text);
        }
        catch (JsonException ex)
        {
            return Salvaged(SalvageMembers(text), "not valid JSON" + (ex.BytePositionInLine is { } at ? $" (stops at byte {at} of line {ex.LineNumber + 1})" : ""), text);
        }
    }

    private static JsonObject Salvaged(JsonObject members, string problem, string text)
    {
        members[ParseProblemField] = problem;
        members[RawTextField] = Cut(text);
        return members;
    }

    /// <summary>Reads the top-level members of an object token by token until the text ends or goes wrong.</summary>
    private static JsonObject SalvageMembers(string text)
    {
        var members = new JsonObject();
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return members;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!reader.Read()) break;
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                var end = (int)reader.BytesConsumed;
                members[name] = JsonNode.Parse(bytes.AsSpan(start, end - start));
            }
        }
        catch (JsonException)
        {
            // The member being read when the text went wrong is lost; every one before it is kept.
        }
        return members;
    }

    /// <summary>The node with long strings cut, long arrays shortened and deep nesting replaced, as a new tree.</summary>
    private static JsonNode? Bound(JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                if (depth >= MaxDepth) return JsonValue.Create("[nested too deep]");
                var copy = new JsonObject();
                foreach (var (name, value) in obj) copy[name] = Bound(value, depth + 1);
                return copy;
            case JsonArray array:
                if (depth >= MaxDepth) return JsonValue.Create("[nested too deep]");
                var items = new JsonArray();
                for (var i = 0; i < array.Count && i < MaxArrayItems; i++) items.Add(Bound(array[i], depth + 1));
                if (array.Count > MaxArrayItems) items.Add(JsonValue.Create($"[{array.Count - MaxArrayItems} more items cut]"));
                return items;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return text.Length > MaxStringChars ? JsonValue.Create(Cut(text)) : JsonValue.Create(text);
            default:
                return node.DeepClone();
        }
    }

    /// <summary>At most <see cref="MaxStringChars"/> characters, never half a surrogate pair, with how much was cut.</summary>
    public static string Cut(string text)
    {
        if (text.Length <= MaxStringChars) return text;
        var keep = MaxStringChars;
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return text[..keep] + $"…[{text.Length - keep} chars cut]";
    }

    private static string? String(JsonObject payload, string name) =>
        payload[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? NonEmpty(value.GetValue<string>()) : null;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
}
