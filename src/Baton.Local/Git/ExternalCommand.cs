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
    /// <paramref name="standardInput"/>, when given, is written to the program's stdin (then closed): text too long or
    /// too raw for an argument, such as an issue comment for <c>gh --body-file -</c>.
    /// </summary>
    public static async Task<CommandOutput?> RunOrNullAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken ct, string? standardInput = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            // UTF-8 without a byte order mark: a BOM would be the first character of a comment written through stdin.
            StandardInputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
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
            // Both pipes are drained at once (and before stdin is written) so the program never blocks on a full one.
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            if (standardInput is not null)
            {
                try
                {
                    await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct);
                }
                catch (IOException)
                {
                    // The program exited without reading it all (it failed early): its exit code and stderr say why.
                }
            }
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // As above: closing flushes, and the reader may be gone.
            }
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
