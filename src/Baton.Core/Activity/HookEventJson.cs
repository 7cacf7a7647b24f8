using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Activity;

/// <summary>
/// A <see cref="HookEventInput"/> as one JSON text (the outbox's row), in the wire's snake_case names. Written and read
/// by hand: <c>baton hook</c> runs on every tool call of every agent, and building the reflection serializer's
/// metadata would cost more than the rest of the hook.
/// </summary>
public static class HookEventJson
{
    public static string Write(HookEventInput e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Put(json, "id", e.Id);
            Put(json, "cli", e.Cli is { } cli ? CliName(cli) : null);
            Put(json, "event", e.Event);
            Put(json, "occurred_at", e.OccurredAt is { } at ? Timestamp.ToWire(at) : null);
            Put(json, "native_session_id", e.NativeSessionId);
            Put(json, "cwd", e.Cwd);
            Put(json, "session_id", e.SessionId);
            Put(json, "agent", e.Agent);
            Put(json, "venture", e.Venture);
            Put(json, "repo", e.Repo);
            if (e.Payload is not null)
            {
                json.WritePropertyName("payload");
                e.Payload.WriteTo(json);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="JsonException">The text is not what <see cref="Write"/> writes.</exception>
    public static HookEventInput Read(string text)
    {
        var obj = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("an outbox row is not a JSON object");
        var at = Get(obj, "occurred_at");
        return new HookEventInput(
            Get(obj, "id"),
            HookPayloads.CliOrNull(Get(obj, "cli")),
            Get(obj, "event"),
            at is null ? null : Timestamp.Parse(at),
            Get(obj, "native_session_id"),
            Get(obj, "cwd"),
            Get(obj, "session_id"),
            Get(obj, "agent"),
            Get(obj, "venture"),
            Get(obj, "repo"),
            obj["payload"] is JsonObject payload ? (JsonObject)payload.DeepClone() : null);
    }

    /// <summary>The CLI's name as the wire spells it (snake_case enum values).</summary>
    public static string CliName(HookCli cli) => cli switch
    {
        HookCli.Claude => "claude",
        HookCli.Gemini => "gemini",
        _ => "codex",
    };

    private static void Put(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }

    private static string? Get(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
