using System.Text.Json;

namespace Baton.Core.Activity;

/// <summary>
/// A session's cumulative token usage from the lines of its CLI's transcript (docs/architecture.md §15 Spend). Pure:
/// the lines are passed in (<c>Baton.Local.Transcripts.TranscriptReader</c> reads the file).
/// <para>
/// <b>Claude Code</b> writes one JSON object per line to the session's transcript (the hook payload's
/// <c>transcript_path</c>); an assistant entry carries the API message as <c>message</c>, with its <c>id</c> and
/// <c>usage {input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens}</c>. One API message is
/// written as several entries (one per content block: text, each tool use, thinking), each repeating the message's id
/// and usage, and a streamed message may first appear with a lower <c>output_tokens</c> — so each message id counts
/// once, with the highest value seen of each count (Anthropic's SDK cost-tracking guide: "same ID = same usage",
/// "use the highest value"). An entry with usage but no message id counts on its own.
/// </para>
/// Lenient like the hook: a line that is not JSON (the last one cut off mid-write, the first one cut by a read from the
/// end) or has no usage is skipped; a count of another JSON type is ignored.
/// </summary>
public static class TranscriptUsage
{
    /// <summary>
    /// The transcript the sender reads for <paramref name="e"/>'s usage: Claude Code's <c>Stop</c> (a turn ended) and
    /// <c>SessionEnd</c> name theirs in <c>transcript_path</c>; null for every other event (a tool call would make
    /// the sender read the file once per call), for an event that already carries usage, and for other CLIs (their
    /// session files are described only by third parties' readings of them; docs/architecture.md §15 Spend).
    /// </summary>
    public static string? TranscriptToRead(HookEventInput e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Usage is not null || e.Cli != HookCli.Claude || e.Event is not { } name) return null;
        if (!name.Trim().Equals("Stop", StringComparison.OrdinalIgnoreCase) && !name.Trim().Equals("SessionEnd", StringComparison.OrdinalIgnoreCase))
            return null;
        return e.Payload is not null && e.Payload.TryGetPropertyValue("transcript_path", out var node)
            && node is System.Text.Json.Nodes.JsonValue value && value.GetValueKind() == JsonValueKind.String
            && value.GetValue<string>() is { Length: > 0 } path ? path : null;
    }

    /// <summary>The usage of the Claude Code transcript <paramref name="lines"/>; null when no line carried any.</summary>
    public static HookUsage? FromClaudeLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var byMessage = new Dictionary<string, Counts>(StringComparer.Ordinal);
        var withoutId = new Counts();
        var any = false;
        foreach (var line in lines)
        {
            // Most lines (tool results, user prompts) carry no usage: not parsing them keeps a long transcript cheap.
            if (!line.Contains("\"usage\"", StringComparison.Ordinal)) continue;
            if (ReadClaudeEntry(line) is not { } entry) continue;
            any = true;
            if (entry.MessageId is null)
            {
                withoutId.Add(entry.Counts);
            }
            else if (byMessage.TryGetValue(entry.MessageId, out var seen))
            {
                seen.TakeHighest(entry.Counts);
            }
            else
            {
                byMessage[entry.MessageId] = entry.Counts;
            }
        }
        if (!any) return null;
        var total = withoutId;
        foreach (var counts in byMessage.Values) total.Add(counts);
        return new HookUsage(total.Input, total.Output, total.CacheRead, total.CacheCreation);
    }

    private static (string? MessageId, Counts Counts)? ReadClaudeEntry(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
                return null;
            var id = message.TryGetProperty("id", out var idNode) && idNode.ValueKind == JsonValueKind.String && idNode.GetString() is { Length: > 0 } text
                ? text : null;
            return (id, new Counts
            {
                Input = Number(usage, "input_tokens"),
                Output = Number(usage, "output_tokens"),
                CacheRead = Number(usage, "cache_read_input_tokens"),
                CacheCreation = Number(usage, "cache_creation_input_tokens"),
            });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var node) && node.ValueKind == JsonValueKind.Number && node.TryGetInt64(out var value) && value > 0 ? value : 0;

    private sealed class Counts
    {
        public long Input { get; set; }
        public long Output { get; set; }
        public long CacheRead { get; set; }
        public long CacheCreation { get; set; }

        public void Add(Counts other)
        {
            // Saturating: a hostile transcript cannot overflow; the service refuses anything beyond its bound anyway.
            Input = Sum(Input, other.Input);
            Output = Sum(Output, other.Output);
            CacheRead = Sum(CacheRead, other.CacheRead);
            CacheCreation = Sum(CacheCreation, other.CacheCreation);
        }

        public void TakeHighest(Counts other)
        {
            Input = Math.Max(Input, other.Input);
            Output = Math.Max(Output, other.Output);
            CacheRead = Math.Max(CacheRead, other.CacheRead);
            CacheCreation = Math.Max(CacheCreation, other.CacheCreation);
        }

        private static long Sum(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
    }
}
