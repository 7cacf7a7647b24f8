using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Core.Workers;

// What `baton worker` (issue 16, docs/architecture.md §16) works with: the machine's agents as worker.json declares
// them, and what one headless run of an agent CLI came to, read from the CLI's own output. Pure records: the files,
// processes and git live in Baton.Local and Baton.Cli/Worker.

/// <summary>
/// <c>&lt;data-dir&gt;/worker.json</c>: the agents this machine runs. Loaded and validated (with file and line) by
/// <c>Baton.Local.Settings.WorkerConfigFile</c>.
/// </summary>
public sealed record WorkerConfig(IReadOnlyList<WorkerAgentConfig> Agents);

/// <summary>
/// One agent of this machine: what the server's registry is told (name, cli, capabilities, health checks,
/// max_concurrency) and how the worker starts its CLI.
/// </summary>
/// <param name="Command">The executable to run instead of the CLI's own name on PATH (required for <see cref="AgentCli.Custom"/>).</param>
/// <param name="Args">Extra arguments after the headless flags (for custom: the whole argument list; <c>{prompt}</c> is replaced by the prompt).</param>
/// <param name="Price">Cost per million tokens, for CLIs that report tokens but not cost (Gemini, Codex): lets the worker enforce <c>max_cost_usd</c> and attribute spend.</param>
public sealed record WorkerAgentConfig(
    string Name,
    AgentCli Cli,
    IReadOnlyList<AgentCapability> Capabilities,
    IReadOnlyList<HealthCheck> HealthChecks,
    int MaxConcurrency,
    string? Command,
    IReadOnlyList<string> Args,
    TokenPrice? Price);

/// <summary>US dollars per million input and output tokens.</summary>
public sealed record TokenPrice(double InputPerMillion, double OutputPerMillion)
{
    public double CostOf(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000d;
}

/// <summary>
/// What one headless run came to, read from the CLI's own output (and its exit code): success or the error's type and
/// message, usage, the CLI's own session id, its final message, and for a rate limit the reset time it stated.
/// </summary>
/// <param name="ErrorType">Null on success; <see cref="TaskRules.RateLimitedError"/> for a rate or usage limit; otherwise the kind of failure (see <see cref="RunErrors"/>).</param>
public sealed record AgentRunResult(
    bool Success,
    string? ErrorType,
    string? ErrorMessage,
    TaskUsage? Usage,
    string? NativeSessionId,
    string? FinalMessage,
    DateTimeOffset? RateLimitResetsAt);

/// <summary>Error types of a run that did not succeed, besides the orchestrator's own (<see cref="TaskRules"/>).</summary>
public static class RunErrors
{
    /// <summary>The CLI said the run failed (Claude's <c>is_error</c> or an error subtype, Gemini's exit 1, Codex's <c>turn.failed</c>).</summary>
    public const string AgentError = "agent_error";

    /// <summary>The CLI stopped at its turn limit (Claude <c>error_max_turns</c>, Gemini exit 53).</summary>
    public const string MaxTurns = "max_turns";

    /// <summary>The run's cost reached the task's <c>max_cost_usd</c> (the CLI's own flag, or the worker's enforcement).</summary>
    public const string MaxCost = "max_cost";

    /// <summary>The CLI refused its input (Gemini exit 42).</summary>
    public const string InputError = "input_error";

    /// <summary>The output was not the CLI's documented format, or ended without its final record.</summary>
    public const string BadOutput = "bad_output";

    /// <summary>The process could not be started, or died without a final record.</summary>
    public const string Crashed = "crashed";

    /// <summary>The task's timeout passed; the worker killed the process group.</summary>
    public const string Timeout = TaskRules.TimeoutError;

    /// <summary>The task's payload asks for something in a shape the worker cannot read (a <c>run</c> without a command, a bad branch name…): nothing was run.</summary>
    public const string BadPayload = TaskRules.BadPayloadError;

    /// <summary>The agent's run succeeded but its answer is not what the payload's <c>expects</c> asks (no verdict, an empty plan).</summary>
    public const string BadResult = "bad_result";

    /// <summary>A command task with <c>fail_on_exit</c> (a deploy) exited non-zero.</summary>
    public const string CommandFailed = "command_failed";
}

/// <summary>
/// Reads one run's stdout as it streams, line by line; the worker asks <see cref="UsageSoFar"/> after each line to
/// enforce a task's <c>max_cost_usd</c>, and <see cref="Finish"/> once the process has exited.
/// </summary>
public interface IAgentOutputReader
{
    void ReadLine(string line);

    /// <summary>Usage streamed so far (null before the CLI reported any).</summary>
    TaskUsage? UsageSoFar { get; }

    /// <summary>The run's result from everything read, the exit code and the tail of stderr (for messages).</summary>
    AgentRunResult Finish(int exitCode, string stderrTail, DateTimeOffset now);
}

/// <summary>
/// What a task's payload asks of the worker besides the prompt (docs/architecture.md §16; the workflow engine's steps,
/// §17): the branch to work on, a command to run instead of an agent CLI, and the shape its answer must have.
/// </summary>
/// <param name="Branch">The branch to work on instead of <c>baton/&lt;task&gt;</c> (origin's when it has it, else new from the default branch); null: the task's own.</param>
/// <param name="Run">A command to run with <c>sh -c</c> instead of the agent's CLI; null: the agent runs.</param>
/// <param name="Expects">What the agent's final message must hold: <see cref="WorkerRules.ExpectsPlanVerdict"/>, <see cref="WorkerRules.ExpectsPlan"/>, or null.</param>
public sealed record TaskAsks(string? Branch, CommandRun? Run, string? Expects)
{
    public static TaskAsks None { get; } = new(null, null, null);
}

/// <summary>
/// A command task's <c>run</c>: the command line, the report globs its test reports are read from (relative to the
/// worktree, <c>**</c> allowed), and whether a non-zero exit fails the attempt (a deploy) or is only reported (a test
/// run whose tests fail still ran).
/// </summary>
public sealed record CommandRun(string Command, IReadOnlyList<string> Reports, bool FailOnExit);
