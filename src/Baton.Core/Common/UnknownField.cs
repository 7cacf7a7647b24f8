using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Baton.Core.Common;

/// <summary>
/// A member the JSON had that its type does not: <see cref="Path"/> as the wire names it (<c>commitSha</c>,
/// <c>ventures.alpha.agnet</c>), the fields that type does know, and the nearest of them.
/// </summary>
public sealed record UnknownField(string Path, string Name, IReadOnlyList<string> Known, string? Suggestion)
{
    /// <summary>"unknown field `commitSha`; did you mean `commit_sha`?" (or the known fields when none is near).</summary>
    public string Message => Suggestion is not null
        ? $"unknown field `{Path}`; did you mean `{Suggestion}`?"
        : $"unknown field `{Path}`; the fields here are: {string.Join(", ", Known)}.";

    /// <summary>The problem a request with this field is answered with: 400 <c>unknown_field</c> naming it.</summary>
    public BatonException ToException() =>
        new(ErrorCodes.UnknownField, Message + " Unknown fields are refused so a misspelling is not silently dropped; nothing was stored.",
            new Dictionary<string, string[]>
            {
                [Path] = [Suggestion is not null ? $"is not a field here; did you mean `{Suggestion}`?" : $"is not a field here; the fields are: {string.Join(", ", Known)}."],
            });

    /// <summary>
    /// When <paramref name="jsonPath"/> (a serializer path such as <c>$.inner.zz</c> or <c>$.list[1]['a b']</c>) ends
    /// in a member that the type reached by the path before it does not have, that member; otherwise null (the path
    /// names a known member, a key of a dictionary or free-form object, or cannot be followed). Names are compared
    /// as <paramref name="options"/> would bind them.
    /// </summary>
    public static UnknownField? FindOrNull(JsonSerializerOptions options, Type rootType, string? jsonPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rootType);
        var segments = Segments(jsonPath);
        if (segments is null || segments.Count == 0 || segments[^1].Name is null) return null;

        var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var type = rootType;
        for (var i = 0; i < segments.Count; i++)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (IsFreeForm(type)) return null;
            var info = options.GetTypeInfo(type);
            var segment = segments[i];
            var last = i == segments.Count - 1;

            if (info.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary)
            {
                // An index into a list, or a key of a dictionary: any key is allowed, so it is never the unknown one.
                if (last || info.ElementType is null) return null;
                type = info.ElementType;
                continue;
            }
            if (info.Kind != JsonTypeInfoKind.Object || segment.Name is null) return null;

            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment.Name, comparison));
            if (property is null)
            {
                if (!last) return null;
                var known = info.Properties.Select(p => p.Name).ToList();
                return new UnknownField(PathText(segments), segment.Name, known, ClosestName.FindOrNull(segment.Name, known));
            }
            if (last) return null;
            type = property.PropertyType;
        }
        return null;
    }

    private static bool IsFreeForm(Type type) =>
        type == typeof(object) || type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type);

    private readonly record struct Segment(string? Name, int? Index);

    /// <summary>Splits <c>$.a.b[1]['c d']</c> into its members and indexes; null when it is not such a path.</summary>
    private static List<Segment>? Segments(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$') return null;
        var segments = new List<Segment>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '[')) end++;
                segments.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) return null;
                segments.Add(new Segment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
                segments.Add(new Segment(null, index));
                i = end + 1;
            }
            else
            {
                return null;
            }
        }
        return segments;
    }

    private static string PathText(List<Segment> segments)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.Index is { } index) text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            else text.Append(text.Length == 0 ? "" : ".").Append(segment.Name);
        }
        return text.ToString();
    }
}
