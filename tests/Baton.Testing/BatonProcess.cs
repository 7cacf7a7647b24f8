using System.Diagnostics;
using System.Text;

namespace Baton.Testing;

/// <summary>What one finished <c>baton</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the built <c>baton</c> as a real process. This library does not reference Baton.Cli: a test project that runs
/// the binary references it, which copies <c>baton.dll</c> next to the tests.
/// </summary>
public static class BatonProcess
{
    /// <summary><c>baton.dll</c> in the test output directory.</summary>
    public static string DllPath => LazyDllPath.Value;

    // Looked up on first use, so a project that never runs the binary need not have it.
    private static readonly Lazy<string> LazyDllPath = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "baton.dll");
        if (!File.Exists(path)) throw new FileNotFoundException("baton.dll is not next to the tests: is Baton.Cli referenced by the test project?", path);
        return path;
    });

    /// <summary>
    /// The variables of the machine running the tests that would change what a <c>baton</c> under test does: every
    /// <c>BATON_*</c> setting, <c>XDG_DATA_HOME</c>, which moves the default data directory, and <c>TMUX_PANE</c>,
    /// which is part of the default agent name.
    /// </summary>
    public static bool IsMachineSetting(string name) =>
        name.StartsWith("BATON_", StringComparison.Ordinal) || name is "XDG_DATA_HOME" or "TMUX_PANE";

    /// <summary>
    /// <c>dotnet baton.dll <paramref name="args"/></c> with only this test's settings: the machine's
    /// <see cref="IsMachineSetting">Baton settings</see> are removed, then <paramref name="environment"/> is applied.
    /// </summary>
    public static ProcessStartInfo StartInfo(string? workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);

        foreach (var name in start.Environment.Keys.Where(IsMachineSetting).ToList()) start.Environment.Remove(name);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return start;
    }

    /// <summary>Runs <paramref name="start"/> to its end with <paramref name="input"/> (or nothing) on standard input.</summary>
    public static async Task<CliResult> RunAsync(ProcessStartInfo start, string? input = null)
    {
        using var process = Process.Start(start)!;
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
            throw new TimeoutException($"baton {string.Join(' ', start.ArgumentList.Skip(1))} did not finish within {TestTimeouts.Default}.");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
