using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Baton.Core.Common;

/// <summary>
/// A JSON object in what an agent answered (a review's verdict, a plan review's verdict): read strictly, and found in a
/// message that holds it among prose. One reader, so every structured answer is judged the same way.
/// </summary>
public static partial class AnswerJson
{
    /// <summary>
    /// The object <paramref name="json"/> holds, or null: not JSON, not an object, or a key given twice — refused while
    /// parsing, since <c>{"approved": false, "approved": true}</c> says nothing (and a JsonObject holding duplicates
    /// throws on first access).
    /// </summary>
    public static JsonObject? ParseObjectOrNull(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonNode.Parse(json, null, new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The object with <paramref name="key"/> in an agent's message: the last fenced block (```json … ```) that is
    /// one, else the text from the first '{' to the last '}'; null when neither is.
    /// </summary>
    public static JsonObject? FindObjectWith(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fenced = FencedPattern().Matches(text);
        for (var i = fenced.Count - 1; i >= 0; i--)
        {
            if (ParseObjectOrNull(fenced[i].Groups[1].Value) is { } block && block.ContainsKey(key)) return block;
        }
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        return start >= 0 && end > start && ParseObjectOrNull(text[start..(end + 1)]) is { } found && found.ContainsKey(key) ? found : null;
    }

    [GeneratedRegex(@"```(?:json)?\s*(\{[\s\S]*?\})\s*```")]
    private static partial Regex FencedPattern();
}
