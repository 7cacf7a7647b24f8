using System.Diagnostics;
using Baton.Core.Storage;
using Baton.Server;
using Baton.Storage.Sqlite;

namespace Baton.Bench;

/// <summary>
/// The server a benchmark drives. By default the built <c>baton serve</c> runs as its own process, as in production,
/// so the load generator's threads and garbage collections do not show up in the server's latency; seeding opens the
/// same SQLite file beside it (SQLite lets several processes share it). <c>--in-process</c> hosts the server in this
/// process instead, which also exposes the store's group-commit counters.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly RunningServer? _inProcess;
    private readonly SqliteBatonStore? _seedStore;

    private BenchServer(Uri baseAddress, string key, IBatonStore store, Process? process, RunningServer? inProcess, SqliteBatonStore? seedStore)
    {
        BaseAddress = baseAddress;
        Key = key;
        Store = store;
        _process = process;
        _inProcess = inProcess;
        _seedStore = seedStore;
    }

    public Uri BaseAddress { get; }

    public string Key { get; }

    /// <summary>A store on the server's data: for seeding, and (in process) the server's own.</summary>
    public IBatonStore Store { get; }

    /// <summary>Group-commit counters, when the server runs in this process.</summary>
    public SqliteStoreStatistics? Statistics => (_inProcess?.Store as SqliteBatonStore)?.Statistics;

    public string Mode => _process is null ? "server in the benchmark's process" : "`baton serve` in its own process";

    /// <summary>The process serving requests: <c>baton serve</c>'s own, or this one when the server runs in process.</summary>
    public int ServerProcessId => _process?.Id ?? Environment.ProcessId;

    /// <summary>
    /// The <c>baton.dll</c> to serve with: the one built beside the bench, or <c>BATON_BENCH_SERVER</c> (a path to another
    /// build's baton.dll), so one bench can drive two builds of the server in the same minute (A/B).
    /// </summary>
    public static string ServerDll =>
        Environment.GetEnvironmentVariable("BATON_BENCH_SERVER") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "baton.dll");

    public static async Task<BenchServer> StartAsync(string dataDir, bool inProcess)
    {
        if (inProcess)
        {
            var server = await BatonServerHost.StartAsync(
                new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0", RateLimitPerMinute = 0 }, TextWriter.Null, CancellationToken.None);
            return new BenchServer(server.BaseAddress, await KeyAsync(server.AdminKeyPath!), server.Store, null, server, null);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { ServerDll, "serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--rate-limit", "0" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start baton serve");
        _ = process.StandardError.ReadToEndAsync();

        // The server prints "Baton listening on <url>" once it accepts connections.
        Uri? address = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string Marker = "listening on ";
            var at = line.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
            if (at >= 0) address = new Uri(line[(at + Marker.Length)..].Trim());
        }
        if (address is null) throw new InvalidOperationException($"baton serve exited ({(process.HasExited ? process.ExitCode : -1)}) before listening");
        _ = DrainAsync(process.StandardOutput);

        var seedStore = SqliteBatonStore.Open(SqliteStoreOptions.ForDataDirectory(dataDir));
        await seedStore.InitializeAsync(CancellationToken.None);
        return new BenchServer(address, await KeyAsync(Path.Combine(dataDir, "admin.key")), seedStore, process, null, seedStore);
    }

    private static async Task<string> KeyAsync(string path) => (await File.ReadAllTextAsync(path)).Trim();

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (_seedStore is not null) await _seedStore.DisposeAsync();
        if (_inProcess is not null) await _inProcess.DisposeAsync();
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
