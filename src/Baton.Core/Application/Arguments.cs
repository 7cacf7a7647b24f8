using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;

namespace Baton.Core.Application;

/// <summary>
/// The arguments every front end parses the same way, with one set of limits: a handoff status, a briefing budget,
/// a docs format and an issue number. A value no handler accepts is an <see cref="ArgumentProblem"/> naming the
/// allowed values in the front end's own spelling.
/// </summary>
public static class Arguments
{
    /// <summary><c>done</c>, <c>in_progress</c> (or <c>in-progress</c>, as people type it) or <c>blocked</c>, in any case.</summary>
    public static HandoffStatus Status(string? value, ArgumentNames names) => value?.Trim().ToLowerInvariant() switch
    {
        "done" => HandoffStatus.Done,
        "in_progress" or "in-progress" => HandoffStatus.InProgress,
        "blocked" => HandoffStatus.Blocked,
        _ => throw Invalid($"{names.Status} '{value}' is not allowed: use done, in_progress or blocked."),
    };

    /// <summary>Null (the default budget) or a budget within <see cref="BriefingBudget"/>'s limits.</summary>
    public static int? Budget(int? value, ArgumentNames names) =>
        value is null or (>= BriefingBudget.MinChars and <= BriefingBudget.MaxChars)
            ? value
            : throw Invalid($"{names.Budget} must be between {BriefingBudget.MinChars:N0} and {BriefingBudget.MaxChars:N0} characters (default {BriefingBudget.DefaultChars:N0}).");

    /// <summary>Null (the index), or <c>index</c>, <c>full</c> or <c>none</c>.</summary>
    public static DocsFormat? DocsFormat(string? value, string argumentName) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "index" => Knowledge.DocsFormat.Index,
        "full" => Knowledge.DocsFormat.Full,
        "none" => Knowledge.DocsFormat.None,
        _ => throw Invalid($"{argumentName} '{value}' is not allowed: use index, full or none."),
    };

    /// <summary>Null, or a positive issue number.</summary>
    public static int? IssueNumber(int? value, string argumentName) =>
        value is null or > 0 ? value : throw Invalid($"{argumentName} must be a positive issue number.");

    private static ArgumentProblem Invalid(string message) => new(ArgumentProblemKind.InvalidArgument, message);
}
