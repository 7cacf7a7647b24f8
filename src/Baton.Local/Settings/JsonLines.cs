using System.Globalization;
using System.Text.Json;

namespace Baton.Local.Settings;

/// <summary>
/// Where each member and array element of a settings file starts: path (<c>ventures[1].repo</c>, <c>BATON_LISTEN</c>)
/// → 1-based line. <see cref="JsonDocument"/> forgets positions, and a person fixing a file needs the line.
/// </summary>
internal static class JsonLines
{
    /// <summary>The reading rules of Baton's settings files: comments allowed, trailing commas not (they hide a cut line).</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    public static JsonDocumentOptions DocumentOptions { get; } = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    /// <summary>Every path's line, the first occurrence of each; well-formed input assumed (parse it first).</summary>
    public static Dictionary<string, int> Of(ReadOnlySpan<byte> utf8)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        // One entry per open container: its path, and for an array the index of the element last started.
        var stack = new List<(string Path, bool IsArray, int Index)>();
        string? pendingName = null;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            string? path = null;
            if (token == JsonTokenType.PropertyName)
            {
                pendingName = reader.GetString();
                var parent = stack.Count > 0 ? stack[^1].Path : "";
                path = parent.Length == 0 ? pendingName : $"{parent}.{pendingName}";
            }
            else if (stack.Count > 0 && stack[^1].IsArray)
            {
                var top = stack[^1];
                stack[^1] = top with { Index = top.Index + 1 };
                path = string.Create(CultureInfo.InvariantCulture, $"{top.Path}[{top.Index + 1}]");
            }

            if (path is not null) lines.TryAdd(path, LineOf(utf8, (int)reader.TokenStartIndex));
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var own = path ?? ContainerPath(stack, pendingName);
                stack.Add((own, token == JsonTokenType.StartArray, -1));
            }
            if (token != JsonTokenType.PropertyName) pendingName = null;
        }
        return lines;
    }

    /// <summary>The path of a container that is a member's value: the member's path (its name was the token before).</summary>
    private static string ContainerPath(List<(string Path, bool IsArray, int Index)> stack, string? name)
    {
        if (name is null) return stack.Count > 0 ? stack[^1].Path : "";
        var parent = stack.Count > 0 ? stack[^1].Path : "";
        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    /// <summary>What to do about a syntax error: a trailing comma is named, since JSON (unlike JavaScript) has none.</summary>
    public static string Fix(JsonException error) =>
        error.Message.Contains("trailing comma", StringComparison.OrdinalIgnoreCase)
            ? "Remove the comma after the last item there: JSON allows no trailing comma."
            : "Fix the syntax at that line.";

    public static int LineOf(ReadOnlySpan<byte> utf8, int offset) => utf8[..offset].Count((byte)'\n') + 1;

    /// <summary>The line of <paramref name="path"/>, or of the nearest enclosing path that has one, or 1.</summary>
    public static int LineOrEnclosing(Dictionary<string, int> lines, string path)
    {
        var current = path;
        while (true)
        {
            if (lines.TryGetValue(current, out var line)) return line;
            var cut = Math.Max(current.LastIndexOf('.'), current.LastIndexOf('['));
            if (cut <= 0) return 1;
            current = current[..cut];
        }
    }
}
