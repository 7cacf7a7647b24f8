using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Storage.Postgres.Tests;

/// <summary>One built <c>baton serve --store postgres</c> process on a free loopback port.</summary>
internal sealed partial class Replica : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Replica(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string Output => string.Join("\n", _lines);

    /// <summary>Starts a replica on <paramref name="storeUrl"/> with <paramref name="dataDir"/> for its admin.key.</summary>
    public static async Task<Replica> StartAsync(string storeUrl, string dataDir, int rateLimit)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "baton.dll"), "serve", "--listen", "127.0.0.1:0",
                     "--rate-limit", rateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--store", "postgres", "--store-url", storeUrl,
                     "--data-dir", dataDir })
            start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("BATON_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var replica = new Replica(process);
        process.OutputDataReceived += (_, e) => replica.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => replica.OnLine(e.Data);
        process.Exited += (_, _) => replica._listening.TrySetException(new InvalidOperationException("baton serve exited early:\n" + replica.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        replica.BaseAddress = await replica._listening.Task.WaitAsync(TestTimeouts.Default);
        return replica;
    }

    /// <summary>A client of this replica with <paramref name="key"/> as its bearer key.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TestTimeouts.Default };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>SIGKILL: no chance to flush or say goodbye.</summary>
    public void Kill() => _process.Kill();

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } url) _listening.TrySetResult(new Uri(url.Groups[1].Value));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Baton listening on (\S+)")]
    private static partial Regex ListeningLine();
}
