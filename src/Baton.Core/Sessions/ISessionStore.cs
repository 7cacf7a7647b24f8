using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Storage;
using Baton.Core.Ventures;


namespace Baton.Core.Sessions;

/// <summary>What <see cref="IBatonStore.StartOrResumeSessionAsync"/> did.</summary>
/// <param name="Session">The session to use from now on.</param>
/// <param name="Resumed">True when an existing fresh session was resumed.</param>
/// <param name="Superseded">Ids of duplicate active sessions ended as superseded.</param>
/// <param name="Abandoned">Id of a stale session marked abandoned, if any.</param>
public sealed record SodOutcome(Session Session, bool Resumed, IReadOnlyList<string> Superseded, string? Abandoned);

public enum TouchResult { Touched, NotFound, NotActive }

/// <summary>What a heartbeat or update did. <see cref="Session"/> is null only for <see cref="TouchResult.NotFound"/>.</summary>
public sealed record TouchOutcome(TouchResult Result, Session? Session);

public enum EodResult { Ended, AlreadyEnded, NotFound }

/// <summary>What EOD did. For <see cref="EodResult.AlreadyEnded"/>, <see cref="Handoff"/> is the one stored by the first EOD.</summary>
public sealed record EodOutcome(EodResult Result, Session? Session, Handoff? Handoff);

/// <summary>Fields an update may change; null leaves a field as it is.</summary>
public sealed record SessionUpdate(string? Branch, string? CommitSha, int? IssueNumber, System.Text.Json.Nodes.JsonObject? Meta);

/// <summary>Filter for session lists. <see cref="Status"/> is the status as judged at read time.</summary>
public sealed record SessionQuery(string? Venture, SessionStatus? Status, PageRequest Page, string? Agent = null, string? Repo = null);
