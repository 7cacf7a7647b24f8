using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

/// <summary>
/// A custom agent's output, read as plain text: exit 0 is success and the final message is the last lines printed;
/// another exit is the agent's failure (a rate-limit answer in its output or stderr is recognised as for the known
/// CLIs), or a crash when a signal ended it (exit above 128, as a shell reports it). It reports no usage.
/// </summary>
internal sealed class PlainTextReader : IAgentOutputReader
{
    private const int KeptLines = 20;
    private const int MaxLineChars = 2000;
    private readonly Queue<string> _lines = new();

    public TaskUsage? UsageSoFar => null;

    public void ReadLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line) && _lines.Count == 0) return;
        _lines.Enqueue(OutputTail.Cut(line.TrimEnd(), MaxLineChars));
        if (_lines.Count > KeptLines) _lines.Dequeue();
    }

    public AgentRunResult Finish(int exitCode, string stderrTail, DateTimeOffset now)
    {
        var last = string.Join('\n', _lines).Trim();
        var final = last.Length == 0 ? null : last;
        if (exitCode == 0) return new AgentRunResult(true, null, null, null, null, final, null);

        var message = $"exited with code {exitCode}";
        var detail = !string.IsNullOrWhiteSpace(stderrTail) ? stderrTail.Trim() : last;
        if (detail.Length > 0) message += ": " + OutputTail.End(detail, 1000);
        if ((RateLimits.Recognize(stderrTail, now) ?? RateLimits.Recognize(last, now)) is { } hit)
            return new AgentRunResult(false, TaskRules.RateLimitedError, message, null, null, final, hit.ResetsAt);
        var type = exitCode is > 128 or < 0 ? RunErrors.Crashed : RunErrors.AgentError;
        return new AgentRunResult(false, type, message, null, null, final, null);
    }
}
