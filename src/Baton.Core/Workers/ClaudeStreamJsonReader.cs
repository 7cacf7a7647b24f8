using System.Text.Json;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>
/// Claude Code's <c>--output-format stream-json --verbose</c>: one JSON object a line — <c>system/init</c> (the
/// session id), <c>assistant</c> (one per content block, each repeating its message's <c>usage</c>, hence counted once
/// per <c>message.id</c>), <c>user</c> (tool results), <c>rate_limit_event</c> (the subscription window; <c>status</c>
/// <c>rejected</c> with <c>resetsAt</c> in epoch seconds when it is used up), and the final <c>result</c>
/// (<c>subtype</c>, <c>is_error</c>, <c>result</c> text or <c>errors</c>, <c>total_cost_usd</c>, <c>usage</c>,
/// <c>session_id</c>, and on an API failure <c>api_error_status</c>).
/// </summary>
/// <remarks>
/// Success is <c>is_error: false</c> AND subtype <c>success</c>: an API failure (a usage limit among them) comes back as
/// subtype <c>success</c> with <c>is_error: true</c>. Input tokens count what the model read: <c>input_tokens</c> plus
/// the cache's creation and read tokens (the cost is Claude's own <c>total_cost_usd</c>, so the split does not price).
/// </remarks>
internal sealed class ClaudeStreamJsonReader(TokenPrice? price) : IAgentOutputReader
{
    private readonly OutputTail _tail = new();
    private readonly Dictionary<string, (long Input, long Output)> _messages = new(StringComparer.Ordinal);
    private string? _sessionId;
    private string? _lastText;
    private JsonElement? _result;
    private bool _limitSeen;
    private DateTimeOffset? _limitResetsAt;

    public TaskUsage? UsageSoFar { get; private set; }

    public void ReadLine(string line)
    {
        if (AgentJson.Object(line) is not { } record || record.String("type") is not { } type)
        {
            _tail.Keep(line);
            return;
        }

        switch (type)
        {
            case "system" when record.String("subtype") == "init":
                _sessionId = record.String("session_id") ?? _sessionId;
                break;
            case "assistant":
                ReadAssistant(record);
                break;
            case "rate_limit_event":
                if (record.Get("rate_limit_info") is { } info && info.String("status") == "rejected")
                {
                    _limitSeen = true;
                    _limitResetsAt = info.Long("resetsAt") is { } epoch ? RateLimits.FromEpoch(epoch) : _limitResetsAt;
                }
                break;
            case "result":
                _result = record;
                _sessionId = record.String("session_id") ?? _sessionId;
                UsageSoFar = ResultUsage(record);
                break;
        }
    }

    private void ReadAssistant(JsonElement record)
    {
        _sessionId ??= record.String("session_id");
        if (record.String("error") == "rate_limit") _limitSeen = true;
        if (record.Get("message") is not { } message) return;
        if (message.Get("content") is { ValueKind: JsonValueKind.Array } content)
            foreach (var block in content.EnumerateArray())
                if (block.String("type") == "text" && block.String("text") is { Length: > 0 } text)
                    _lastText = text;
        if (message.Get("usage") is not { } usage) return;
        var key = message.String("id") ?? $"#{_messages.Count}";
        _messages[key] = (InputOf(usage), usage.Long("output_tokens") ?? 0);
        if (_result is null)
            UsageSoFar = AgentJson.Usage(_messages.Values.Sum(m => m.Input), _messages.Values.Sum(m => m.Output), null, price);
    }

    private static long InputOf(JsonElement usage) =>
        (usage.Long("input_tokens") ?? 0) + (usage.Long("cache_creation_input_tokens") ?? 0) + (usage.Long("cache_read_input_tokens") ?? 0);

    private TaskUsage ResultUsage(JsonElement result)
    {
        var usage = result.Get("usage");
        return AgentJson.Usage(usage is { } u ? InputOf(u) : null, usage?.Long("output_tokens"), result.Double("total_cost_usd"), price);
    }

    public AgentRunResult Finish(int exitCode, string stderrTail, DateTimeOffset now)
    {
        if (_result is not { } result)
        {
            var limit = RateLimits.Recognize(stderrTail, now) ?? (_limitSeen ? new RateLimitHit(null) : null);
            var message = _tail.NoRecordMessage("claude", exitCode, "its final result record", stderrTail);
            if (limit is not null) return Limited(message, limit, now);
            return new AgentRunResult(false, exitCode == 0 ? RunErrors.BadOutput : RunErrors.Crashed, message, UsageSoFar, _sessionId, _lastText, null);
        }

        var subtype = result.String("subtype");
        var text = result.String("result");
        if (!result.Bool("is_error") && subtype == "success")
            return new AgentRunResult(true, null, null, UsageSoFar, _sessionId, string.IsNullOrEmpty(text) ? _lastText : text, null);

        var errorText = !string.IsNullOrWhiteSpace(text) ? text : Errors(result) ?? $"claude ended with {subtype ?? "an error"}";
        switch (subtype)
        {
            case "error_max_turns":
                return Failed(RunErrors.MaxTurns, errorText, text);
            case "error_max_budget_usd":
                return Failed(RunErrors.MaxCost, errorText, text);
        }

        var hit = RateLimits.Recognize(errorText, now)
                  ?? (_limitSeen || result.Long("api_error_status") == 429 ? new RateLimitHit(null) : null)
                  ?? RateLimits.Recognize(stderrTail, now);
        return hit is not null ? Limited(errorText, hit, now) : Failed(RunErrors.AgentError, errorText, text);
    }

    private AgentRunResult Failed(string type, string message, string? text) =>
        new(false, type, message, UsageSoFar, _sessionId, string.IsNullOrEmpty(text) ? _lastText : text, null);

    // The rejected rate_limit_event's epoch is exact; the text's "resets 11pm" is the fallback.
    private AgentRunResult Limited(string message, RateLimitHit hit, DateTimeOffset now) =>
        new(false, TaskRules.RateLimitedError, message, UsageSoFar, _sessionId, _lastText,
            _limitResetsAt is { } exact && exact > now ? exact : hit.ResetsAt);

    private static string? Errors(JsonElement result) =>
        result.Get("errors") is { ValueKind: JsonValueKind.Array } errors && errors.GetArrayLength() > 0
            ? string.Join("; ", errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))
            : null;
}
