using System.Text.Json;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>
/// Codex's <c>exec --json</c> JSONL: <c>thread.started{thread_id}</c> (the native session id), <c>turn.started</c>,
/// <c>item.started/updated/completed{item}</c> (an <c>agent_message</c> item's <c>text</c> is the answer),
/// <c>turn.completed{usage{input_tokens, cached_input_tokens, output_tokens}}</c>, <c>turn.failed{error{message}}</c>
/// and <c>error{message}</c>.
/// </summary>
/// <remarks>
/// The events decide, not the exit code (Codex documents no exit-code table): the last of <c>turn.completed</c>,
/// <c>turn.failed</c> and <c>error</c> is the outcome, so an <c>error</c> the stream recovered from (a reconnect)
/// followed by <c>turn.completed</c> is a success. Codex reports tokens, not cost: the cost is the tokens at the
/// agent's price when one is configured (input tokens include the cached ones), else null.
/// </remarks>
internal sealed class CodexJsonReader(TokenPrice? price) : IAgentOutputReader
{
    private readonly OutputTail _tail = new();
    private string? _threadId;
    private string? _lastMessage;
    private long _input;
    private long _output;
    private bool? _completed;
    private string? _failure;

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
            case "thread.started":
                _threadId = record.String("thread_id") ?? _threadId;
                break;
            case "item.completed" when record.Get("item") is { } item && item.String("type") == "agent_message":
                _lastMessage = item.String("text") ?? _lastMessage;
                break;
            case "turn.completed":
                if (record.Get("usage") is { } usage)
                {
                    _input += usage.Long("input_tokens") ?? 0;
                    _output += usage.Long("output_tokens") ?? 0;
                    UsageSoFar = AgentJson.Usage(_input, _output, null, price);
                }
                _completed = true;
                break;
            case "turn.failed":
                _completed = false;
                _failure = record.Get("error")?.String("message") ?? "turn failed";
                break;
            case "error":
                _completed = false;
                _failure = record.String("message") ?? "error";
                break;
        }
    }

    public AgentRunResult Finish(int exitCode, string stderrTail, DateTimeOffset now)
    {
        switch (_completed)
        {
            case true:
                return new AgentRunResult(true, null, null, UsageSoFar, _threadId, _lastMessage, null);
            case false:
                var hit = RateLimits.Recognize(_failure, now) ?? RateLimits.Recognize(stderrTail, now);
                return new AgentRunResult(false, hit is null ? RunErrors.AgentError : TaskRules.RateLimitedError, _failure,
                    UsageSoFar, _threadId, _lastMessage, hit?.ResetsAt);
        }

        var message = _tail.NoRecordMessage("codex", exitCode, "turn.completed or turn.failed", stderrTail);
        if (RateLimits.Recognize(stderrTail, now) is { } limit)
            return new AgentRunResult(false, TaskRules.RateLimitedError, message, UsageSoFar, _threadId, _lastMessage, limit.ResetsAt);
        return new AgentRunResult(false, exitCode == 0 ? RunErrors.BadOutput : RunErrors.Crashed, message, UsageSoFar, _threadId, _lastMessage, null);
    }
}
