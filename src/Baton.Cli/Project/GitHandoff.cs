using System.Text;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Local.Git;

namespace Baton.Cli.Project;

/// <summary>
/// <c>baton eod --git</c>: the handoff as markdown in <c>docs/handoffs/&lt;agent&gt;.md</c>, shown, and committed (and
/// pushed with <c>--push</c>) after one yes/no unless <c>--yes</c>. Only that file is committed, whatever else is staged.
/// </summary>
public sealed class GitHandoff(CliRuntime runtime, string repoRoot, string? remote)
{
    /// <summary>Checked before EOD runs, so a missing repository stops everything before the session ends.</summary>
    public static async Task<GitHandoff> PrepareAsync(CliRuntime runtime, CancellationToken ct)
    {
        var git = await GitWorkspace.DetectAsync(runtime.WorkingDirectory, ct);
        if (git.Root is null) throw new UsageException($"--git needs a git repository, and {runtime.WorkingDirectory} is not in one ({git.Problem}). Run eod in the clone, or drop --git.");
        return new GitHandoff(runtime, git.Root, git.RemoteName);
    }

    public async Task<int> WriteAndCommitAsync(IHandoffService handoffs, EodResponse eod, bool assumeYes, bool push, CancellationToken ct)
    {
        // EOD answers with a receipt; the markdown needs the whole handoff, which is among the newest of its line of work.
        var s = eod.Session;
        var recent = await handoffs.ListHandoffsAsync(new HandoffListRequest(s.Venture, s.Repo, s.Track, Limit: 20), ct);
        var handoff = recent.Items.FirstOrDefault(h => h.Id == eod.Handoff.Id)
                      ?? throw new GitFailedException($"Handoff {eod.Handoff.Id} is saved but could not be read back for the markdown: run eod --git again (it changes nothing in Baton).");
        var directory = ProjectConfig.LoadOrNull(repoRoot)?.Defaults?.HandoffsDir ?? ProjectDefaults.Standard.HandoffsDir;
        var relative = Path.Combine(directory, HandoffMarkdown.FileName(handoff.FromAgent));
        var path = Path.Combine(repoRoot, relative);
        var markdown = HandoffMarkdown.Render(handoff);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, markdown, new UTF8Encoding(false), ct);

        var output = runtime.Out;
        output.WriteLine();
        output.WriteLine($"--- {relative}");
        output.Write(markdown);
        output.WriteLine("---");
        if (!assumeYes)
        {
            output.Write($"Commit {relative}{(push ? " and push" : "")}? [y/N] ");
            output.Flush();
            var answer = (await runtime.In.ReadLineAsync(ct))?.Trim();
            if (answer is null || !(answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            {
                output.WriteLine();
                output.WriteLine($"Not committed: {relative} is written; commit it yourself, or run eod again with --yes.");
                return ExitCodes.Ok;
            }
        }

        await GitAsync(["add", "--", relative], ct);
        // `commit -- <path>` commits only this file, never whatever else happened to be staged.
        await GitAsync(["commit", "-q", "-m", $"Handoff from {handoff.FromAgent}: {FirstLine(handoff.Summary)}", "--", relative], ct);
        output.WriteLine($"Committed {relative}.");
        if (push)
        {
            var target = remote ?? "origin";
            await GitAsync(["push", "-q", target, "HEAD"], ct);
            output.WriteLine($"Pushed to {target}.");
        }
        return ExitCodes.Ok;
    }

    private async Task GitAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var result = await ExternalCommand.RunOrNullAsync("git", arguments, repoRoot, ct)
                     ?? throw new UsageException("git is not installed (not on PATH): install it, or drop --git.");
        if (!result.Succeeded)
            throw new GitFailedException($"`git {arguments[0]}` failed (exit {result.ExitCode}): {result.Stderr.Trim()} The handoff is saved in Baton and written to the file; fix this and commit it yourself.");
    }

    private static string FirstLine(string summary)
    {
        var line = summary.Trim().Split('\n')[0].Trim();
        return line.Length <= 72 ? line : line[..71] + "…";
    }
}

/// <summary>git refused a commit or push after the handoff was saved: reported, exit 1.</summary>
public sealed class GitFailedException(string message) : Exception(message);
