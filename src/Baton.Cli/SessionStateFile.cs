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

    /// <summary>Every session remembered for <paramref name="agent"/>, with its repo and track (<c>baton hook</c> uses it when there is just one).</summary>
    public IReadOnlyList<(string Repo, string Track, string SessionId)> ForAgent(string agent)
    {
        var prefix = agent + "|";
        var found = new List<(string, string, string)>();
        foreach (var (key, id) in Read())
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            var bar = rest.LastIndexOf('|');
            if (bar > 0) found.Add((rest[..bar], rest[(bar + 1)..], id));
        }
        return found;
    }

    public void Remember(string agent, string repo, string track, string sessionId)
    {
        var entries = Read();
        var key = KeyOf(agent, repo, track);
        // A resumed session is usually already remembered: then there is nothing to write.
        if (entries.TryGetValue(key, out var known) && known == sessionId) return;
        entries[key] = sessionId;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        using (var file = File.Create(temporary))
        using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
        {
            // Written by hand rather than by the reflection serializer: this runs in every `baton sod`, where building
            // the serializer's metadata cost more than the rest of the file handling.
            json.WriteStartObject();
            foreach (var (name, id) in entries) json.WriteString(name, id);
            json.WriteEndObject();
        }
        File.Move(temporary, Path, overwrite: true);
    }

    private Dictionary<string, string> Read()
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path));
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return entries;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.String) entries[entry.Name] = entry.Value.GetString()!;
                else if (entry.Value.ValueKind != JsonValueKind.Null) throw new JsonException("a session id that is not a string");
            }
            return entries;
        }
        catch (JsonException)
        {
            // A damaged memory of session ids is not worth failing for: the next sod rewrites it.
            return new(StringComparer.Ordinal);
        }
    }

    private static string KeyOf(string agent, string repo, string track) => $"{agent}|{repo}|{track}";
}
