using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Baton.Cli.Worker;

/// <summary>How a headless run ended, as the worker saw it.</summary>
public enum RunEnd
{
    /// <summary>The CLI exited by itself.</summary>
    Exited,
    /// <summary>The task's timeout passed: the group was killed.</summary>
    TimedOut,
    /// <summary>The worker stopped it (a cancellation, a lost lease, a budget, a shutdown): the group was killed.</summary>
    Stopped,
}

/// <summary>What a run left: its end, the exit code (143 for TERM, 137 for KILL), and the last bytes of stderr.</summary>
public sealed record ProcessOutcome(RunEnd End, int ExitCode, string StderrTail, bool Killed);

/// <summary>
/// One agent CLI run in a process group of its own (<c>setsid</c>, else <c>perl -e 'setpgrp'</c>), so the worker can
/// stop the CLI and everything it started — shells, test runners, a stuck <c>sleep</c> — with one signal to the group:
/// TERM, then KILL after <see cref="Core.Workers.WorkerRules.KillAfter"/>. Killing only the CLI's own pid would leave
/// its children running with the worktree open (the Workers issue: "no orphans").
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private const int StderrTailBytes = 4096;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private int _killed;

    private ProcessGroup(Process process)
    {
        _process = process;
        _stderrPump = PumpStderrAsync();
    }

    /// <summary>The CLI's pid, which is also the group's id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="executable"/> with <paramref name="args"/> in <paramref name="directory"/>, with exactly
    /// <paramref name="environment"/> (nothing inherited), stdin closed and stdout/stderr read by the caller and by us.
    /// </summary>
    /// <exception cref="Win32Exception">Neither setsid nor perl, or the executable, could be started.</exception>
    public static ProcessGroup Start(string executable, IReadOnlyList<string> args, string directory, IReadOnlyDictionary<string, string> environment)
    {
        var path = environment.GetValueOrDefault("PATH");
        var (launcher, prefix) = Launcher(path);
        var start = new ProcessStartInfo(launcher)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in prefix) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(executable);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new Win32Exception($"could not start {executable}");
        // Headless CLIs read the prompt from argv; an open stdin would make some of them wait for more.
        process.StandardInput.Close();
        return new ProcessGroup(process);
    }

    /// <summary>Each stdout line as it comes; ends when the CLI closes stdout (it exited, or was killed).</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line) yield return line;
    }

    /// <summary>Waits for the CLI's exit (after stdout closed) and says how it ended.</summary>
    public async Task<ProcessOutcome> WaitAsync(RunEnd endIfKilled)
    {
        await _process.WaitForExitAsync();
        await _stderrPump;
        var killed = Volatile.Read(ref _killed) == 1;
        string tail;
        lock (_stderr) tail = _stderr.ToString();
        return new ProcessOutcome(killed ? endIfKilled : RunEnd.Exited, _process.ExitCode, tail, killed);
    }

    /// <summary>TERM to the whole group, then KILL after <paramref name="killAfter"/> if the CLI has not exited (children are killed with it).</summary>
    public async Task StopAsync(TimeSpan killAfter)
    {
        Interlocked.Exchange(ref _killed, 1);
        Signal(SigTerm);
        using var grace = new CancellationTokenSource(killAfter);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            // Ignored TERM (or a child that did): nothing in the group gets to outlive the task.
        }
        Signal(SigKill);
    }

    /// <summary>KILL to the whole group at once (the worker itself is going away).</summary>
    public void KillNow()
    {
        Interlocked.Exchange(ref _killed, 1);
        Signal(SigKill);
    }

    /// <summary>Whether any process of the group is still alive (kill with signal 0 to the group).</summary>
    public bool AnyAlive() => KillGroup(_process.Id, 0) == 0;

    public void Dispose() => _process.Dispose();

    private void Signal(int signal)
    {
        // ESRCH (the group is gone) is the outcome we want; nothing to report.
        _ = KillGroup(_process.Id, signal);
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, read);
                if (_stderr.Length > StderrTailBytes) _stderr.Remove(0, _stderr.Length - StderrTailBytes);
            }
        }
    }

    private static (string Launcher, IReadOnlyList<string> Prefix) Launcher(string? path)
    {
        // setsid(1) makes the child a session and group leader before exec, so its pid is the group id. It does not
        // fork when its caller is not a group leader — and a child of .NET's Process.Start never is.
        if (Launch.AgentCli.FindOnPathOrNull("setsid", path) is { } setsid) return (setsid, []);
        if (Launch.AgentCli.FindOnPathOrNull("perl", path) is { } perl) return (perl, ["-e", "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\""]);
        throw new Win32Exception("neither setsid nor perl is on PATH: the worker needs one to give each agent run a process group of its own");
    }

    private static int KillGroup(int groupId, int signal) => Libc.Kill(-groupId, signal);
}
