namespace Baton.Core.Sessions;

/// <summary>
/// The limits of a SOD's briefing budget, in one place for every front end and the service: the CLI's
/// <c>--budget</c>, the MCP tool's <c>budget_chars</c> and <c>POST /v1/sod</c> all accept exactly this range.
/// </summary>
public static class BriefingBudget
{
    /// <summary>The smallest budget a caller may ask for: the header, the directive and a line per section.</summary>
    public const int MinChars = 1_000;

    public const int MaxChars = 1_000_000;

    /// <summary>The budget when a caller names none (docs/architecture.md §6).</summary>
    public const int DefaultChars = 12_000;
}
