using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Baton.Testing;

/// <summary>
/// A running <c>baton worker</c> (or any long-running baton verb) with every line it printed; a test waits for a line
/// instead of sleeping. Killed on dispose if it is still running.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly object _gate = new();

    private WorkerProcess(Process process) => _process = process;

    public string Output => string.Join("\n", _lines);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="start"/> (a <see cref="BatonProcess.StartInfo"/>) and returns at once.</summary>
    public static WorkerProcess Start(ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The first line (already printed or to come) containing <paramref name="text"/>; fails with the output after the default timeout.</summary>
    public Task<string> WaitForLineAsync(string text) => WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), text);

    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        TaskCompletionSource<string> seen;
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } already) return already;
            seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"baton printed no line with '{what}' within {TestTimeouts.Default}:\n{Output}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    /// <summary>SIGKILL: the worker gets no chance to report or release anything.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"baton did not exit within {TestTimeouts.Default}:\n{Output}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            await _process.WaitForExitAsync(timeout.Token);
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
