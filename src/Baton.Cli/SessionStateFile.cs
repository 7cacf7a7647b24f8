using System.Text.Json;

namespace Baton.Cli;

/// <summary>
/// Remembers, per (agent, repo, track), the session the last <c>baton sod</c> started, so <c>heartbeat</c>,
/// <c>update</c> and <c>eod</c> need no session id. Kept in <c>&lt;data-dir&gt;/cli-sessions.json</c>; written to a
/// temporary file and renamed so two terminals never leave it half-written.
/// </summary>
public sealed class SessionStateFile(string dataDir)
{
    public const string FileName = "cli-sessions.json";

    public string Path { get; } = System.IO.Path.Combine(dataDir, FileName);

    public string? FindSessionIdOrNull(string agent, string repo, string track) =>
        Read().GetValueOrDefault(KeyOf(agent, repo, track));

    public void Remember(string agent, string repo, string track, string sessionId)
    {
        var entries = Read();
        entries[KeyOf(agent, repo, track)] = sessionId;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, Path, overwrite: true);
    }

    private Dictionary<string, string> Read()
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path)) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // A damaged memory of session ids is not worth failing for: the next sod rewrites it.
            return new(StringComparer.Ordinal);
        }
    }

    private static string KeyOf(string agent, string repo, string track) => $"{agent}|{repo}|{track}";
}
