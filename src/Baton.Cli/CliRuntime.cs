using Baton.Local.Terminal;
using Baton.Local.Settings;

namespace Baton.Cli;

/// <summary>
/// What the CLI takes from its process: environment, working directory, output streams and host name. Passed in
/// (never read ambiently) so verbs run the same in a test as in a terminal.
/// </summary>
public sealed record CliRuntime(
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    TextWriter Out,
    TextWriter Error,
    string HostName)
{
    /// <summary>Where a verb reads an answer to a question (<c>baton eod --git</c>'s yes/no). Default: the console's standard input.</summary>
    public TextReader In { get; init; } = Console.In;

    /// <summary>The terminal this process runs in (<see cref="TerminalName.Detect"/>), part of the default agent name; null when none.</summary>
    public string? Terminal { get; init; }

    public static CliRuntime FromProcess()
    {
        var environment = BatonSettingsLoader.ProcessEnvironment();
        return new(environment, Directory.GetCurrentDirectory(), Console.Out, Console.Error, System.Net.Dns.GetHostName())
        {
            Terminal = TerminalName.Detect(environment),
        };
    }
}

/// <summary>Exit codes: 0 done, 1 the operation failed (the server's detail is printed), 2 the command or configuration is wrong.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}

/// <summary>A mistake in how the CLI was called or configured; printed as is, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
