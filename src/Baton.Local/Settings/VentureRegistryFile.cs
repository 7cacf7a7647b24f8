using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Local.Settings;

/// <summary>
/// Reads the venture registry file, <c>ventures.json</c> (format in docs/architecture.md §3). A team may keep it in git, so a
/// mistake in it must be easy to find: every problem is reported with the file, the line and what to change.
/// </summary>
public static class VentureRegistryFile
{
    /// <summary>The file name looked for in the data directory when no path is configured.</summary>
    public const string DefaultFileName = "ventures.json";

    /// <summary>
    /// Parses and validates the file. Throws <see cref="VentureFileException"/> naming the file, the line and the
    /// problem (malformed JSON, missing field, bad code, duplicate code) — every problem found, not just the first.
    /// </summary>
    public static IReadOnlyList<Venture> Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VentureFileException($"{path}: cannot be read ({e.GetType().Name}). Check the path and its permissions.");
        }
        return Parse(path, bytes);
    }

    /// <summary>Parses registry JSON; <paramref name="path"/> is only used in messages.</summary>
    public static IReadOnlyList<Venture> Parse(string path, ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new VentureFileException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}). Fix the syntax at that line.");
        }

        using (document)
        {
            var problems = new List<string>();
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("ventures", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new VentureFileException($"{path}:1: expected an object with a \"ventures\" array, like {{\"ventures\": [{{\"code\": \"alpha\", \"name\": \"Project Alpha\", \"org\": \"example-org\", \"repos\": [\"alpha-console\"]}}]}}.");
            }

            var lines = ElementLines(utf8);
            var ventures = new List<Venture>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 1;
                var where = $"{path}:{line}: ventures[{index}]";
                index++;
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{where}: must be an object.");
                    continue;
                }

                var code = Text(entry, "code");
                var name = Text(entry, "name");
                var org = Text(entry, "org");
                if (code is null) problems.Add($"{where}: \"code\" is required (2–12 lowercase letters or digits).");
                else if (!Validator.VentureCodePattern().IsMatch(code) || code == Venture.Global)
                    problems.Add($"{where}: code \"{code}\" must be 2–12 lowercase letters or digits and not \"{Venture.Global}\".");
                else if (!seen.Add(code)) problems.Add($"{where}: code \"{code}\" appears more than once; each venture needs its own code.");
                if (name is null) problems.Add($"{where}: \"name\" is required.");
                if (org is null) problems.Add($"{where}: \"org\" is required (the GitHub organisation owning its repos).");

                var repos = Strings(entry, "repos", where, problems);
                var capabilities = Strings(entry, "capabilities", where, problems);
                var noteTags = Strings(entry, "note_tags", where, problems);
                var platform = false;
                if (entry.TryGetProperty("platform", out var p))
                {
                    if (p.ValueKind is JsonValueKind.True or JsonValueKind.False) platform = p.GetBoolean();
                    else problems.Add($"{where}: \"platform\" must be true or false.");
                }

                if (code is not null && name is not null && org is not null)
                    ventures.Add(new Venture(code, name, org, repos, capabilities, Text(entry, "secrets_path"), Text(entry, "design_spec"), platform, noteTags));
            }

            if (problems.Count > 0)
                throw new VentureFileException($"{path} has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:\n" + string.Join("\n", problems));
            return ventures;
        }
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;

    private static IReadOnlyList<string> Strings(JsonElement entry, string name, string where, List<string> problems)
    {
        if (!entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            problems.Add($"{where}: \"{name}\" must be an array of strings.");
            return [];
        }
        return value.EnumerateArray().Select(v => v.GetString()!.Trim()).Where(v => v.Length > 0).ToList();
    }

    /// <summary>The 1-based line of each element of the top-level "ventures" array, in order.</summary>
    private static List<int> ElementLines(ReadOnlySpan<byte> utf8)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var inVentures = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                inVentures = reader.ValueTextEquals("ventures"u8);
            else if (inVentures && reader.CurrentDepth == 2 && reader.TokenType != JsonTokenType.EndArray)
            {
                lines.Add(LineOf(utf8, (int)reader.TokenStartIndex));
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        return lines;
    }

    private static int LineOf(ReadOnlySpan<byte> utf8, int offset) => utf8[..offset].Count((byte)'\n') + 1;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}

/// <summary>The registry file cannot be used; the message names the file, line and problem.</summary>
public sealed class VentureFileException(string message) : Exception(message);
