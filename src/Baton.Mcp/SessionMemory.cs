using Baton.Core.Sessions;
using Baton.Core.Ventures;


namespace Baton.Mcp;

/// <summary>The session the last <c>sod</c> started or resumed, and the venture it belongs to.</summary>
public sealed record CurrentSession(Session Session, Venture Venture, string Agent);

/// <summary>
/// Remembers the session for the rest of the process, so <c>heartbeat</c>, <c>handoff</c> and <c>context</c> need no
/// id: one <c>baton mcp</c> process serves one agent session, started by that agent's CLI.
/// </summary>
public sealed class SessionMemory
{
    private readonly Lock _gate = new();
    private CurrentSession? _current;

    public CurrentSession? CurrentOrNull
    {
        get { lock (_gate) return _current; }
    }

    public void Remember(CurrentSession current)
    {
        lock (_gate) _current = current;
    }

    /// <summary>Keeps the newest copy of the session (a heartbeat or update returns it).</summary>
    public void Refresh(Session session)
    {
        lock (_gate)
        {
            if (_current is not null && _current.Session.Id == session.Id) _current = _current with { Session = session };
        }
    }

    public void Forget()
    {
        lock (_gate) _current = null;
    }

    /// <summary>The current session, or a problem that tells the agent to run <c>sod</c> first.</summary>
    public CurrentSession Require(string forWhat) =>
        CurrentOrNull ?? throw new ToolProblem(McpErrorCodes.NoSession,
            $"There is no session in this process yet, so there is nothing to {forWhat}: call the `sod` tool first (it starts or resumes the session and remembers it).");
}
