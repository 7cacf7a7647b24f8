using System.ComponentModel;
using System.Diagnostics;

namespace Baton.Local.Git;

/// <summary>What one run of an external program printed and returned.</summary>
public sealed record CommandOutput(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs external programs the front ends shell out to (<c>git</c>, <c>gh</c>) with arguments passed as a list, never
/// through a shell, so nothing in a branch name or an issue title is ever interpreted.
/// </summary>
public static class ExternalCommand
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="workingDirectory"/> and waits for it. Null when the program is
    /// not installed (not found on <c>PATH</c>); that is an expected outcome the caller reports, not a failure.
    /// </summary>
    public static async Task<CommandOutput?> RunOrNullAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // A program that asks a question (gh prompting for a login) must fail instead of waiting on our stdin, which
        // in `baton mcp` is the JSON-RPC channel.
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GH_PROMPT_DISABLED"] = "1";

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null; // not installed
        }
        if (process is null) return null;

        using (process)
        {
            process.StandardInput.Close();
            // Both pipes are drained at once so the program never blocks on a full one.
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new CommandOutput(process.ExitCode, await stdout, await stderr);
        }
    }
}
