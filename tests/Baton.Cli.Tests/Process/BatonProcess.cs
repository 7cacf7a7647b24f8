using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Cli.Tests.Process;

/// <summary>What one finished <c>baton</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// A scratch world for the built <c>baton</c>: a temp HOME (so the default data directory is under it), a real git
/// repository whose origin is <c>git@github.com:example-org/alpha-console.git</c>, and a ventures.json in the data dir.
/// </summary>
public sealed class Workspace : IDisposable
{
    public const string VenturesJson = """
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
              "capabilities": ["has_api"], "secrets_path": "/alpha", "platform": false, "note_tags": [] },
            { "code": "beta", "name": "Project Beta", "org": "example-org", "repos": ["beta-web"] }
          ]
        }
        """;

    public Workspace()
    {
        Root = Directory.CreateTempSubdirectory("baton-cli-").FullName;
        Home = Path.Combine(Root, "home");
        Repo = Path.Combine(Root, "alpha-console");
        DataDir = Path.Combine(Home, ".local", "share", "baton");
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(Repo);
        File.WriteAllText(Path.Combine(DataDir, "ventures.json"), VenturesJson);
        Git("init", "-q");
        Git("remote", "add", "origin", "git@github.com:example-org/alpha-console.git");
    }

    public string Root { get; }
    public string Home { get; }
    public string Repo { get; }
    public string DataDir { get; }

    /// <summary>Extra environment for every run (BATON_URL, BATON_KEY, …).</summary>
    public Dictionary<string, string> Environment { get; } = new();

    public Task<CliResult> RunAsync(params string[] args) => BatonProcess.RunAsync(this, Environment, args);

    public Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        BatonProcess.RunAsync(this, environment, args);

    /// <summary>Runs with <paramref name="input"/> piped to standard input.</summary>
    public Task<CliResult> RunWithInputAsync(string input, params string[] args) => BatonProcess.RunAsync(this, Environment, args, input);

    /// <summary>Runs git in the repo and returns what it printed.</summary>
    public string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = System.Diagnostics.Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a killed server may still be closing files; the temp cleaner gets it */ }
    }
}

/// <summary>Runs the built <c>baton</c> (copied next to the tests by the project reference) as a real process.</summary>
public static class BatonProcess
{
    /// <summary><c>baton.dll</c> in the test output directory.</summary>
    public static string DllPath { get; } = FindDll();

    private static string FindDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "baton.dll");
        if (!File.Exists(path)) throw new FileNotFoundException("baton.dll is not next to the tests: is Baton.Cli referenced by the test project?", path);
        return path;
    }

    public static ProcessStartInfo StartInfo(Workspace workspace, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workspace.Repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);

        // Only this test's settings: nothing from the machine running the tests may leak in.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("BATON_", StringComparison.Ordinal) || k == "XDG_DATA_HOME").ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["HOME"] = workspace.Home;
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    public static async Task<CliResult> RunAsync(Workspace workspace, IReadOnlyDictionary<string, string> environment, string[] args, string? input = null)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(workspace, environment, args))!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"baton {string.Join(' ', args)} did not finish within {TestTimeouts.Default}.");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A running <c>baton serve</c> process, with the URL and admin.key path it printed.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(System.Diagnostics.Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The admin.key path printed on a fresh data directory; null when the directory already had a key.</summary>
    public string? AdminKeyPath { get; private set; }

    public string Output => string.Join("\n", _lines);

    public int Id => _process.Id;

    public static async Task<ServeProcess> StartAsync(Workspace workspace, params string[] extraArgs)
    {
        var args = new List<string> { "serve", "--listen", "127.0.0.1:0", "--rate-limit", "0" };
        args.AddRange(extraArgs);
        var process = new System.Diagnostics.Process { StartInfo = BatonProcess.StartInfo(workspace, new Dictionary<string, string>(), args) };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => serve.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => serve.OnLine(e.Data);
        process.Exited += (_, _) => serve._listening.TrySetException(new InvalidOperationException("baton serve exited early:\n" + serve.Output));
        process.EnableRaisingEvents = true;
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
        await _process.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
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
