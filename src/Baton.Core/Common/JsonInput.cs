using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Baton.Core.Common;

/// <summary>
/// The one check of JSON text before anything binds or parses it (docs/architecture.md §7, "JSON in"): it must be
/// well-formed UTF-8 JSON, every object's keys unique, every string and key valid Unicode (no unpaired surrogate
/// escape such as <c>"\ud800"</c>), and nesting at most <see cref="MaxDepth"/> levels. Readers further on
/// (the serializer, <c>JsonNode</c>, RFC 8785 canonicalisation) either throw on those or silently keep the last
/// duplicate; refusing them here, with the path of the offending member, makes each a 400 the client can fix.
/// </summary>
public static class JsonInput
{
    /// <summary>The deepest nesting accepted: the serializer's own default, so what passes here also binds.</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest member name quoted back in a path; longer ones are cut (a key may be a megabyte long).</summary>
    private const int MaxNameInPath = 100;

    /// <summary>
    /// Null when <paramref name="utf8"/> is acceptable JSON text; otherwise the problem to answer: <c>malformed_json</c>
    /// for text that is not JSON (syntax, invalid UTF-8), <c>validation_failed</c> for JSON Baton refuses (a duplicate key,
    /// an unpaired surrogate, too deep), each naming the member's path (<c>payload.a</c>, <c>accomplished[1]</c>; the
    /// body itself is <c>body</c>). <paramref name="subject"/> starts the detail ("The request body").
    /// </summary>
    public static BatonException? Check(ReadOnlySpan<byte> utf8, string subject = "The request body")
    {
        // The serializer reading a request stream skips a UTF-8 byte order mark; so does this check.
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];

        // One more level than allowed, so the depth problem below (with its path) is reported instead of the reader's.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        StartValue(frames);
                        if (frames.Count == MaxDepth)
                            return Problem(subject, ErrorCodes.ValidationFailed, PathOrNull(frames), $"is nested more than {MaxDepth} levels deep; send flatter JSON.");
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartObject));
                        break;

                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;

                    case JsonTokenType.PropertyName:
                    {
                        var frame = frames[^1];
                        // Until the key is known to be text the path names the object holding it.
                        frame.Property = null;
                        var text = TextOrProblem(ref reader, out var problem);
                        if (text is null)
                        {
                            return Problem(subject, problem!.Value.Code, PathOrNull(frames), $"has a key that {problem.Value.Message}");
                        }
                        frame.Property = text;
                        if (!frame.Names!.Add(text))
                            return Problem(subject, ErrorCodes.ValidationFailed, PathOrNull(frames), "is given more than once; send each key of an object once.");
                        break;
                    }

                    case JsonTokenType.String:
                    {
                        StartValue(frames);
                        if (TextOrProblem(ref reader, out var problem) is null)
                            return Problem(subject, problem!.Value.Code, PathOrNull(frames), problem.Value.Message);
                        break;
                    }

                    default:
                        StartValue(frames);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" near line {line + 1}, byte {e.BytePositionInLine + 1}")
                : "";
            var field = PathOrNull(frames);
            var detail = $"{subject} is not valid JSON{where}. Fix the syntax there and send one JSON object.";
            return field is null
                ? new BatonException(ErrorCodes.MalformedJson, detail)
                : new BatonException(ErrorCodes.MalformedJson, detail, new Dictionary<string, string[]> { [field] = ["is not valid JSON."] });
        }
        return null;
    }

    /// <summary>
    /// The current string or key as text, or null with the reason it is not valid text. The raw bytes are checked as
    /// UTF-8 first (the reader does not), then decoding catches unpaired surrogate escapes.
    /// </summary>
    private static string? TextOrProblem(ref Utf8JsonReader reader, out (string Code, string Message)? problem)
    {
        problem = null;
        var valid = reader.HasValueSequence ? IsValidUtf8(reader.ValueSequence) : Utf8.IsValid(reader.ValueSpan);
        if (!valid)
        {
            problem = (ErrorCodes.MalformedJson, "is not valid UTF-8; send the body encoded as UTF-8.");
            return null;
        }
        try
        {
            var text = reader.GetString()!;
            if (HasUnpairedSurrogate(text))
            {
                problem = (ErrorCodes.ValidationFailed, UnpairedSurrogate);
                return null;
            }
            return text;
        }
        catch (InvalidOperationException)
        {
            // The decoder's way of saying an escape such as \ud800 has no partner.
            problem = (ErrorCodes.ValidationFailed, UnpairedSurrogate);
            return null;
        }
    }

    private const string UnpairedSurrogate =
        "contains an unpaired UTF-16 surrogate escape (such as \\ud800 alone), which is not Unicode text; send each \\uD8xx with its \\uDCxx partner or the character itself.";

    private static bool IsValidUtf8(ReadOnlySequence<byte> sequence) =>
        Utf8.IsValid(sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray());

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return true;
        }
        return false;
    }

    /// <summary>A value begins in the innermost container: in an array that moves the index on.</summary>
    private static void StartValue(List<Frame> frames)
    {
        if (frames.Count > 0 && !frames[^1].IsObject) frames[^1].Index++;
    }

    /// <summary>"The request body: payload.a is given more than once; … Nothing was stored." and the same in <c>errors</c>.</summary>
    private static BatonException Problem(string subject, string code, string? path, string message)
    {
        var field = path ?? "body";
        return new BatonException(code, $"{subject}: {field} {message} Nothing was stored.", new Dictionary<string, string[]> { [field] = [message] });
    }

    /// <summary><c>payload.a</c>, <c>accomplished[1]</c>, <c>payload['a b']</c>; null at the top level.</summary>
    private static string? PathOrNull(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsObject)
            {
                if (frame.Property is null) break;
                var name = frame.Property.Length > MaxNameInPath ? frame.Property[..MaxNameInPath] + "…" : frame.Property;
                if (IsPlainName(name)) path.Append(path.Length == 0 ? "" : ".").Append(name);
                else path.Append("['").Append(name.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
            }
            else
            {
                if (frame.Index < 0) break;
                path.Append('[').Append(frame.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }
        return path.Length == 0 ? null : path.ToString();
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-');

    /// <summary>One open object or array: the keys seen so far and the current one, or the current index.</summary>
    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public HashSet<string>? Names { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;

        public string? Property { get; set; }

        public int Index { get; set; } = -1;
    }
}
