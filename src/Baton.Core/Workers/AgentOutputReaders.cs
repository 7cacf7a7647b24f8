using System.Text;
using System.Text.Json;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>The reader of one run's output, by the agent's CLI: one reader per run (they keep the run's state).</summary>
public static class AgentOutputReaders
{
    public static IAgentOutputReader For(WorkerAgentConfig agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Cli switch
        {
            AgentCli.Claude => new ClaudeStreamJsonReader(agent.Price),
            AgentCli.Gemini => new GeminiJsonReader(agent.Price),
            AgentCli.Codex => new CodexJsonReader(agent.Price),
            _ => new PlainTextReader(),
        };
    }
}

/// <summary>
/// What every reader shares: lines that are not the CLI's format are never an exception — they are counted and the
/// last few kept (cut to a bounded length, however long the line) for the message of a run that went wrong.
/// </summary>
internal sealed class OutputTail
{
    private const int KeptLines = 20;
    private const int MaxLineChars = 500;
    private readonly Queue<string> _lines = new();

    public int Unparseable { get; private set; }

    public void Keep(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        Unparseable++;
        _lines.Enqueue(Cut(line.Trim(), MaxLineChars));
        if (_lines.Count > KeptLines) _lines.Dequeue();
    }

    public string Text => string.Join('\n', _lines);

    public static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>The end of a text (stderr's tail is already a tail; this bounds it for a message).</summary>
    public static string End(string text, int max) => text.Length <= max ? text : "…" + text[^max..];

    /// <summary>"claude exited with code 1 without its final result record; 3 unparseable lines, last: …; stderr: …".</summary>
    public string NoRecordMessage(string cli, int exitCode, string what, string stderrTail)
    {
        var message = new StringBuilder($"{cli} exited with code {exitCode} without {what}");
        if (Unparseable > 0) message.Append($"; {Unparseable} unparseable line{(Unparseable == 1 ? "" : "s")}, last: {End(Text, 600)}");
        if (!string.IsNullOrWhiteSpace(stderrTail)) message.Append($"; stderr: {End(stderrTail.Trim(), 1000)}");
        return message.ToString();
    }
}

internal static class AgentJson
{
    /// <summary>The line as a JSON object, or null when it is not one (never throws).</summary>
    public static JsonElement? Object(string line)
    {
        var trimmed = line.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{') return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static string? String(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? Long(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;

    public static double? Double(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var n) ? n : null;

    public static bool Bool(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.True };

    /// <summary>Usage with the cost the CLI reported, or else the one the agent's price gives for the tokens.</summary>
    public static TaskUsage Usage(long? input, long? output, double? cost, TokenPrice? price) =>
        new(input, output, cost ?? (price is null || (input is null && output is null) ? null : price.CostOf(input ?? 0, output ?? 0)));
}
