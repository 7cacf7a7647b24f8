using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Core.Common;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme: object members sorted by their UTF-16 code units, no insignificant white
/// space, strings escaped as ECMAScript's JSON.stringify does, numbers as ECMAScript's Number.prototype.toString of
/// the IEEE-754 double. The same logical payload therefore always hashes the same, whoever wrote it.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    public static string Serialize(JsonElement element) => Serialize(JsonNode.Parse(element.GetRawText()));

    /// <summary>Parses <paramref name="json"/> and canonicalises it.</summary>
    public static string Canonicalize(string json) => Serialize(JsonNode.Parse(json));

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                // Ordinal comparison of .NET strings is exactly the UTF-16 code-unit order RFC 8785 §3.2.3 asks for.
                foreach (var (name, value) in MembersOf(obj).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) builder.Append(',');
                    first = false;
                    WriteString(builder, name);
                    builder.Append(':');
                    Write(builder, value);
                }
                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) builder.Append(',');
                    Write(builder, array[i]);
                }
                builder.Append(']');
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
        }
    }

    /// <summary>
    /// The members of a parsed object. A parsed object builds its dictionary on first use, and a key given twice fails
    /// there (with an ArgumentException); RFC 8785 has no form for such an object, so it is refused like a lone surrogate.
    /// </summary>
    private static KeyValuePair<string, JsonNode?>[] MembersOf(JsonObject obj)
    {
        try
        {
            return obj.ToArray();
        }
        catch (ArgumentException)
        {
            throw new FormatException("The JSON has an object with the same key more than once; give each key once.");
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        if (value.TryGetValue<string>(out var text))
        {
            WriteString(builder, text); // straight from the CLR string, so a lone surrogate is seen and refused
            return;
        }
        // Values may wrap a parsed JsonElement or a CLR primitive; going through a JsonElement treats both alike.
        var element = value.TryGetValue<JsonElement>(out var parsed) ? parsed : JsonSerializer.SerializeToElement(value);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(FormatNumber(element.GetDouble()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Null:
                builder.Append("null");
                break;
            default:
                // A JsonValue wrapping an object or array (built in code, not parsed): round-trip it through JSON.
                Write(builder, JsonNode.Parse(element.GetRawText()));
                break;
        }
    }

    /// <summary>Escapes a string the way RFC 8785 §3.2.2.2 (ECMAScript JSON.stringify) does.</summary>
    public static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // A lone surrogate has no UTF-8 form; RFC 8785 §3.2.2.2 requires it to be rejected.
                        if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                            throw new FormatException("The JSON contains a lone surrogate, which RFC 8785 cannot canonicalise.");
                        builder.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        builder.Append('"');
    }

    /// <summary>
    /// ECMAScript Number.prototype.toString (ECMA-262 §7.1.12.1) for a finite double: the shortest digits that
    /// round-trip, in fixed notation when the decimal exponent is in [-6, 21), otherwise as d.ddde±n.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new FormatException("NaN and Infinity are not valid JSON numbers.");
        if (value == 0) return "0"; // also -0

        // .NET's "R" gives the shortest round-trip digits; take them apart into digits and a decimal exponent.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative) text = text[1..];

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.');
        var digits = point >= 0 ? text.Remove(point, 1) : text;
        var n = (point >= 0 ? point : text.Length) + exponent; // value = 0.digits × 10^n
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leading;
        var k = digits.Length;

        var result = new StringBuilder();
        if (negative) result.Append('-');
        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exp = n - 1;
            result.Append(digits[0]);
            if (k > 1) result.Append('.').Append(digits, 1, k - 1);
            result.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }
}
