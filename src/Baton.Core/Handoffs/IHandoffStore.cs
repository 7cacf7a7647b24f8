using Baton.Core.Common;
using Baton.Core.Ventures;


namespace Baton.Core.Handoffs;

/// <summary>Which handoffs of a venture a query means.</summary>
public enum HandoffOrigin
{
    /// <summary>Every handoff stored under the venture.</summary>
    Any,
    /// <summary>Handoffs written within the venture (<c>source_venture</c> is null): the "last handoff" of a track.</summary>
    Own,
    /// <summary>Cross-venture handoffs other ventures addressed to this one (<c>source_venture</c> set).</summary>
    Addressed,
}

public sealed record HandoffQuery(
    string? Venture,
    string? Repo,
    string? Track,
    int? IssueNumber,
    PageRequest Page,
    HandoffOrigin Origin = HandoffOrigin.Any);
