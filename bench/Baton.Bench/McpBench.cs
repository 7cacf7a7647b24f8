using System.Diagnostics;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Baton.Bench;

/// <summary>
/// The `baton mcp` figures (issue 4), run with <c>--mcp</c>: process start to the <c>initialize</c> answer (median of
/// several starts, as an agent CLI pays it on every launch), and per-call latency of <c>notes</c> and <c>heartbeat</c>
/// in local mode through the real process over stdio. The client is the SDK's own, as in the process tests.
/// </summary>
public static class McpBench
{
    private const int Starts = 9, Calls = 500, SeedNotes = 200;

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("baton-mcp-bench-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            var dataDir = Path.Combine(home, ".local", "share", "baton");
            var repo = Path.Combine(root, "alpha-console");
            Directory.CreateDirectory(dataDir);
            Directory.CreateDirectory(repo);
            await File.WriteAllTextAsync(Path.Combine(dataDir, "ventures.json"),
                """{ "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] } ] }""");
            Git(repo, "init", "-q");
            Git(repo, "remote", "add", "origin", "git@github.com:example-org/alpha-console.git");

            var figures = new List<Figure>();
            // The first start creates the store and pays for disk caches; it is not what an agent sees day to day.
            await (await StartAsync(repo, home)).DisposeAsync();
            var startup = new Samples();
            for (var i = 0; i < Starts; i++)
            {
                var watch = Stopwatch.StartNew();
                await using var client = await StartAsync(repo, home);
                startup.Add(watch.Elapsed.TotalMilliseconds);
            }
            var median = startup.Percentile(50);
            figures.Add(new($"baton mcp start → initialize answer (median of {Starts})", $"{median:F0} ms", "≤ 400 ms", median <= 400));

            await using (var client = await StartAsync(repo, home))
            {
                await CallAsync(client, "sod", new() { ["heal_docs"] = false });
                for (var i = 0; i < SeedNotes; i++)
                {
                    await CallAsync(client, "note", new()
                    {
                        ["title"] = $"Decision {i}",
                        ["content"] = $"Billing decision {i}: invoices go out on day {i % 28 + 1}; the ledger stays in Postgres.",
                        ["tags"] = new[] { i % 10 == 0 ? "executive-summary" : "ops" },
                    });
                }

                // Warm-up so the figures are steady-state calls, not JIT.
                for (var i = 0; i < 50; i++)
                {
                    await CallAsync(client, "heartbeat", new());
                    await CallAsync(client, "notes", new() { ["query"] = "billing ledger" });
                }
                var heartbeat = await TimeCallsAsync(client, "heartbeat", new());
                var notes = await TimeCallsAsync(client, "notes", new() { ["query"] = "billing ledger" });
                figures.Add(new($"MCP heartbeat, local mode p50 ({Calls} calls)", $"{heartbeat.Percentile(50):F2} ms (p99 {heartbeat.Percentile(99):F2} ms)", "≤ 2 ms", heartbeat.Percentile(50) <= 2));
                figures.Add(new($"MCP notes search, local mode p50 ({SeedNotes} notes)", $"{notes.Percentile(50):F2} ms (p99 {notes.Percentile(99):F2} ms)", "≤ 2 ms", notes.Percentile(50) <= 2));
            }
            return figures;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
        }
    }

    private static async Task<Samples> TimeCallsAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var samples = new Samples();
        for (var i = 0; i < Calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await CallAsync(client, tool, arguments);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        return samples;
    }

    private static async Task CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        if (result.IsError == true)
            throw new InvalidOperationException($"{tool} failed: {string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text))}");
    }

    /// <summary>Starts the built baton (the apphost next to this program) and returns once it has answered initialize.</summary>
    private static Task<McpClient> StartAsync(string repo, string home)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "baton");
        var dll = Path.Combine(AppContext.BaseDirectory, "baton.dll");
        var useApphost = File.Exists(apphost);
        return McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "baton",
            Command = useApphost ? apphost : "dotnet",
            Arguments = useApphost ? ["mcp"] : [dll, "mcp"],
            WorkingDirectory = repo,
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["HOME"] = home, ["BATON_URL"] = null, ["BATON_KEY"] = null, ["BATON_DATA_DIR"] = null, ["XDG_DATA_HOME"] = null,
            },
        }), new McpClientOptions { ClientInfo = new Implementation { Name = "bench", Version = "1.0" } });
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {git.StandardError.ReadToEnd()}");
    }
}
