namespace Baton.Core.Application;

/// <summary>
/// Who is calling the application handlers, and how it names its arguments, so one handler can say "pass --repo" to a
/// person at a terminal and "pass `repo`" to a model calling a tool.
/// </summary>
/// <param name="Client">The agent CLI or tool talking to Baton (<c>claude</c>, <c>claude-code</c>, <c>cli</c>, …): part of the default agent name.</param>
/// <param name="Host">This machine's host name.</param>
/// <param name="AgentSetting"><c>BATON_AGENT</c> (or the same key in baton.json), when set.</param>
/// <param name="Names">How this front end spells each argument in a message.</param>
/// <param name="Terminal">
/// The terminal the caller runs in, as a short label (<c>tmux-3</c>, <c>pts-4</c>), when the machine side can tell: it
/// keeps two terminals of one machine from sharing a default agent name (and so a session). Null when unknown.
/// </param>
public sealed record FrontEnd(string Client, string Host, string? AgentSetting, ArgumentNames Names, string? Terminal);

/// <summary>How a front end spells its arguments in messages: <c>--repo</c> on the command line, <c>`repo`</c> for a tool.</summary>
public sealed record ArgumentNames(string Agent, string Venture, string Repo, string Track, string Budget, string Status, string Issue, string Summary)
{
    public static ArgumentNames CommandLine { get; } = new("--agent", "--venture", "--repo", "--track", "--budget", "--status", "--issue", "--summary");

    public static ArgumentNames Tool { get; } = new("`agent`", "`venture`", "`repo`", "`track`", "`budget_chars`", "`status`", "`issue_number`", "`summary`");
}

/// <summary>
/// A call the front end must correct: no repository to work in, or an argument with a value no handler accepts. The
/// CLI prints it and exits 2 (usage); MCP answers it as a tool error the model can fix.
/// </summary>
public sealed class ArgumentProblem(ArgumentProblemKind kind, string message) : Exception(message)
{
    public ArgumentProblemKind Kind { get; } = kind;
}

public enum ArgumentProblemKind
{
    /// <summary>No repo was named and the working tree does not tell one.</summary>
    NoRepository,
    /// <summary>An argument's value is not allowed; the message names the allowed values.</summary>
    InvalidArgument,
}
