using System.Text;
using Baton.Core.Activity;

namespace Baton.Local.Transcripts;

/// <summary>
/// Reads an agent CLI's transcript on this machine for the session's cumulative usage (docs/architecture.md §15 Spend).
/// The hook sender calls it when it forwards a turn's or the session's end, never the hook itself (whose path stays an
/// append). It never throws: a missing, unreadable or foreign file is no usage. A transcript larger than
/// <see cref="MaxBytes"/> is read from its end only — the usage then counts the messages in that last part, an
/// undercount, never a double count.
/// </summary>
public static class TranscriptReader
{
    /// <summary>The most bytes read from the end of one transcript.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <summary>The usage of the Claude Code transcript at <paramref name="path"/>, or null when there is none to read.</summary>
    public static HookUsage? ReadClaudeUsage(string? path, long maxBytes = MaxBytes)
    {
        var lines = ReadTail(path, maxBytes);
        return lines is null ? null : TranscriptUsage.FromClaudeLines(lines);
    }

    /// <summary>
    /// The whole lines of the last <paramref name="maxBytes"/> of a <c>.jsonl</c> file (the first one dropped when the
    /// read began inside it); null when the file is not there or cannot be read.
    /// </summary>
    public static IReadOnlyList<string>? ReadTail(string? path, long maxBytes = MaxBytes)
    {
        // Only a CLI's JSONL transcript, by an absolute path: the sender reads what a hook payload names, and nothing else.
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path)
            || !path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || maxBytes <= 0)
            return null;
        try
        {
            // The CLI may be writing it: share everything, read what is there now.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            var start = Math.Max(0, file.Length - maxBytes);
            // A read from inside the file starts inside a line unless the byte before it ends one.
            var partialFirst = false;
            if (start > 0)
            {
                file.Seek(start - 1, SeekOrigin.Begin);
                partialFirst = file.ReadByte() != '\n';
            }
            file.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(file, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: start == 0);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                if (partialFirst)
                {
                    partialFirst = false;
                    continue;
                }
                lines.Add(line);
            }
            return lines;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }
}
