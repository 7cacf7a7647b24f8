using System.Text;
using System.Text.Json;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>
/// Gemini CLI's <c>--output-format json</c>: one object, pretty-printed over many lines, at the end of the run —
/// <c>{session_id, response, stats, error?}</c> — where <c>stats.models.&lt;model&gt;.tokens</c> holds <c>prompt</c>
/// (input, cached included), <c>candidates</c> and <c>thoughts</c> (output), <c>cached</c>, <c>total</c>. A fatal error
/// is printed the same way, <c>{"error": {type, message, code}}</c>, but on stderr, and the exit code says what it was:
/// 0 success, 1 a general or API error, 42 an input error, 53 the turn limit.
/// </summary>
/// <remarks>
/// Gemini reports tokens, not cost: the cost is the tokens at the agent's price when one is configured (thinking
/// tokens priced as output), else null. Nothing streams before the object, so <see cref="UsageSoFar"/> stays null
/// until it has been read.
/// </remarks>
internal sealed class GeminiJsonReader(TokenPrice? price) : IAgentOutputReader
{
    // A response is text the agent wrote; past this the output is not Gemini's object, and reading stops growing.
    private const int MaxBufferedChars = 16 * 1024 * 1024;
    private readonly List<string> _lines = [];
    private int _bufferedChars;
    private JsonElement? _object;

    public TaskUsage? UsageSoFar { get; private set; }

    public void ReadLine(string line)
    {
        if (_bufferedChars + line.Length > MaxBufferedChars) return;
        _lines.Add(line);
        _bufferedChars += line.Length;
        // JSON.stringify(…, null, 2) closes the top-level object with "}" alone at the start of a line.
        if (line.TrimEnd() == "}" && Parse(_lines) is { } parsed)
        {
            _object = parsed.Value;
            UsageSoFar = Usage(parsed.Value);
        }
    }

    /// <summary>The first object that runs from a line starting with "{" to the end (text Gemini printed before it is garbage).</summary>
    private static (JsonElement Value, int Start)? Parse(IReadOnlyList<string> lines)
    {
        var tries = 0;
        for (var start = 0; start < lines.Count && tries < 8; start++)
        {
            if (!lines[start].StartsWith('{')) continue;
            tries++;
            var text = new StringBuilder();
            for (var i = start; i < lines.Count; i++) text.Append(lines[i]).Append('\n');
            // Gemini's object has at least one of its fields; a stray "{…}" line before it is not the output.
            if (AgentJson.Object(text.ToString()) is { } value
                && (value.Get("response") ?? value.Get("session_id") ?? value.Get("stats") ?? value.Get("error")) is not null)
                return (value, start);
        }
        return null;
    }

    private TaskUsage? Usage(JsonElement output)
    {
        if (output.Get("stats")?.Get("models") is not { ValueKind: JsonValueKind.Object } models) return null;
        long input = 0, outputTokens = 0;
        foreach (var model in models.EnumerateObject())
        {
            if (model.Value.Get("tokens") is not { } tokens) continue;
            input += tokens.Long("prompt") ?? 0;
            outputTokens += (tokens.Long("candidates") ?? 0) + (tokens.Long("thoughts") ?? 0);
        }
        return AgentJson.Usage(input, outputTokens, null, price);
    }

    public AgentRunResult Finish(int exitCode, string stderrTail, DateTimeOffset now)
    {
        var parsed = Parse(_lines);
        var output = parsed?.Value;
        var tail = new OutputTail();
        for (var i = 0; i < (parsed?.Start ?? _lines.Count); i++) tail.Keep(_lines[i]);

        var sessionId = output?.String("session_id");
        var response = output?.String("response");
        var usage = output is { } o ? Usage(o) : null;
        var error = output?.Get("error") ?? StderrError(stderrTail);
        var errorMessage = error?.String("message");

        if (exitCode == 0 && output is not null && error is null)
            return new AgentRunResult(true, null, null, usage, sessionId, response, null);

        var type = exitCode switch
        {
            42 => RunErrors.InputError,
            53 => RunErrors.MaxTurns,
            _ when output is null && error is null => exitCode == 0 ? RunErrors.BadOutput : RunErrors.Crashed,
            _ => RunErrors.AgentError,
        };
        var message = errorMessage is not null
            ? $"gemini exited with code {exitCode}: {errorMessage}"
            : tail.NoRecordMessage("gemini", exitCode, output is null ? "its JSON output" : "an error object", stderrTail);

        if (type is RunErrors.AgentError or RunErrors.Crashed or RunErrors.BadOutput
            && (RateLimits.Recognize(errorMessage, now) ?? RateLimits.Recognize(stderrTail, now)) is { } hit)
            return new AgentRunResult(false, TaskRules.RateLimitedError, message, usage, sessionId, response, hit.ResetsAt);
        return new AgentRunResult(false, type, message, usage, sessionId, response, null);
    }

    /// <summary>The <c>{"error": …}</c> object Gemini printed on stderr, when the tail still holds it whole.</summary>
    private static JsonElement? StderrError(string stderrTail)
    {
        if (string.IsNullOrWhiteSpace(stderrTail)) return null;
        var lines = stderrTail.Split('\n');
        for (var start = lines.Length - 1; start >= 0; start--)
        {
            if (!lines[start].StartsWith('{')) continue;
            if (AgentJson.Object(string.Join('\n', lines[start..])) is { } value && value.Get("error") is { ValueKind: JsonValueKind.Object } error)
                return error;
        }
        return null;
    }
}
