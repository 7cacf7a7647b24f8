using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Baton.Testing;

/// <summary>
/// A running <c>baton serve</c> process on the free loopback port it chose, with everything it printed and the
/// admin.key path it printed on a fresh data directory. Killed on dispose if it is still running.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The admin.key path printed on a fresh data directory; null when the directory already had a key.</summary>
    public string? AdminKeyPath { get; private set; }

    public string Output => string.Join("\n", _lines);

    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="start"/> (a <see cref="BatonProcess.StartInfo"/> of <c>serve --listen 127.0.0.1:0 …</c>)
    /// and returns once it prints the address it listens on; fails with its output if it exits first.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => serve.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => serve.OnLine(e.Data);
        process.Exited += (_, _) => serve._listening.TrySetException(new InvalidOperationException("baton serve exited early:\n" + serve.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        serve.BaseAddress = await serve._listening.Task.WaitAsync(TestTimeouts.Default);
        return serve;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        if (AdminKeyLine().Match(line) is { Success: true } key) AdminKeyPath = key.Groups[1].Value.Trim();
        if (ListeningLine().Match(line) is { Success: true } url) _listening.TrySetResult(new Uri(url.Groups[1].Value));
    }

    public string ReadAdminKey() =>
        File.ReadAllText(AdminKeyPath ?? throw new InvalidOperationException("serve printed no admin.key path:\n" + Output)).Trim();

    /// <summary>SIGKILL: no chance to flush or say goodbye.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM, as systemd or a container runtime stops a service.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed: " + Marshal.GetLastPInvokeError());
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await _process.WaitForExitAsync(timeout.Token);
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

    [GeneratedRegex(@"Baton listening on (\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"(\S*admin\.key)")]
    private static partial Regex AdminKeyLine();
}
