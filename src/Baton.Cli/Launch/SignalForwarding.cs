using System.Runtime.InteropServices;

namespace Baton.Cli.Launch;

/// <summary>
/// While <c>baton launch</c> waits for its agent, a terminating signal sent to baton alone — <c>kill</c>, a supervisor,
/// a closing tmux pane — is passed on to the agent and every process under it, and baton lives on until the agent
/// exits, so the agent's exit code is still baton's. Without this, SIGTERM or SIGHUP ended baton and left the agent
/// running with no parent.
/// <para>
/// Passed on to the agent's process tree, not to its process group: the agent shares baton's group (it must, to be in
/// the terminal's foreground group), and that group can hold baton's caller too — a script, or the test runner.
/// SIGINT is only kept from ending baton: Ctrl-C already reached the whole foreground group, agent included, and a
/// second SIGINT is what Claude Code and Codex read as "exit now".
/// </para>
/// </summary>
public sealed class SignalForwarding : IDisposable
{
    private const int SigHup = 1, SigQuit = 3, SigTerm = 15;

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _gate = new();
    private readonly List<int> _early = [];
    private int _pid;

    /// <summary>
    /// Takes SIGINT, SIGTERM, SIGHUP and SIGQUIT from now until disposed — before the agent starts, so none arriving
    /// while it starts ends baton; one that does arrive then is passed on once <see cref="Target"/> names the agent.
    /// </summary>
    public SignalForwarding()
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true));
        foreach (var (signal, number) in new[] { (PosixSignal.SIGTERM, SigTerm), (PosixSignal.SIGHUP, SigHup), (PosixSignal.SIGQUIT, SigQuit) })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                int pid;
                lock (_gate)
                {
                    pid = _pid;
                    if (pid == 0) _early.Add(number);
                }
                if (pid != 0) Send(pid, number);
            }));
        }
    }

    /// <summary>The agent, whose tree gets every terminating signal from now on (and any that came while it started).</summary>
    public void Target(int pid)
    {
        int[] early;
        lock (_gate)
        {
            _pid = pid;
            early = [.. _early];
        }
        foreach (var number in early) Send(pid, number);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }

    private static void Send(int root, int number)
    {
        foreach (var target in TreeOf(root)) _ = Kill(target, number);
    }

    /// <summary>
    /// <paramref name="root"/> and its descendants, parents before children, from <c>/proc/*/stat</c>; just
    /// <paramref name="root"/> where there is no <c>/proc</c>.
    /// </summary>
    public static IReadOnlyList<int> TreeOf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        try
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
                if (ParentOrNull(ReadOrNull(Path.Combine(directory, "stat"))) is not { } parent) continue;
                if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
                list.Add(pid);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [root];
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            if (children.TryGetValue(tree[i], out var below)) tree.AddRange(below.Where(p => !tree.Contains(p)));
        return tree;
    }

    /// <summary>The parent pid (4th field) of a <c>/proc/&lt;pid&gt;/stat</c> line; the command name before it may hold spaces and parentheses.</summary>
    public static int? ParentOrNull(string? statLine)
    {
        var close = statLine?.LastIndexOf(')') ?? -1;
        if (close < 0) return null;
        var fields = statLine![(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], out var parent) ? parent : null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended while we looked
        }
    }

    private static int Kill(int pid, int signal) => Libc.Kill(pid, signal);
}
