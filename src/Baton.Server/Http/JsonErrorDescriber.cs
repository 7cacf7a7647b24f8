using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Server.Http;

/// <summary>
/// Turns a <see cref="JsonException"/> from reading a request body into a problem that names the field and says what
/// it should hold, without quoting the exception (which names .NET types). Malformed JSON (a syntax error) is
/// <c>malformed_json</c>; a member the request type does not have is <c>unknown_field</c> with the nearest known
/// name (<see cref="UnknownField"/>); well-formed JSON with a wrong type or value is <c>validation_failed</c>.
/// </summary>
internal static class JsonErrorDescriber
{
    public static BatonException Describe(JsonException error, ReadOnlySpan<byte> body, Type? requestType)
    {
        var field = FieldOf(error.Path);

        // The exception does not say reliably whether the syntax or the shape was wrong, so ask a reader: it only
        // checks syntax.
        if (!IsWellFormed(body))
        {
            var where = error.LineNumber is { } line ? $" near line {line + 1}, byte {error.BytePositionInLine + 1}" : "";
            var detail = $"The request body is not valid JSON{where}. Send one JSON object (see /openapi/v1.json).";
            return field is null
                ? new BatonException(ErrorCodes.MalformedJson, detail)
                : new BatonException(ErrorCodes.MalformedJson, detail, new Dictionary<string, string[]> { [field] = ["is not valid JSON"] });
        }

        // The serializer says "could not be mapped" only in its message; the path and the request type say it exactly.
        if (requestType is not null && UnknownField.FindOrNull(BatonJson.Requests, requestType, error.Path) is { } unknown)
            return unknown.ToException();

        if (field is null)
            return BatonException.Validation("body", "must be a JSON object (see /openapi/v1.json).");

        return BatonException.Validation(field, Expectation(requestType, field));
    }

    /// <summary><c>$.agent</c> → <c>agent</c>, <c>$.accomplished[1]</c> → <c>accomplished[1]</c>, <c>$</c> → null.</summary>
    internal static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        if (field.StartsWith("['", StringComparison.Ordinal) && field.EndsWith("']", StringComparison.Ordinal)) field = field[2..^2];
        return field.Length == 0 ? null : field;
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What the field named by the path should hold, looked up on the request type the endpoint reads.</summary>
    private static string Expectation(Type? requestType, string field)
    {
        if (requestType is null) return "has the wrong type or value (see /openapi/v1.json).";

        var name = field;
        var bracket = name.IndexOfAny(['.', '[']);
        var isElement = bracket > 0 && name[bracket] == '[';
        if (bracket > 0) name = name[..bracket];

        var property = BatonJson.Options.GetTypeInfo(requestType).Properties.FirstOrDefault(p => p.Name == name);
        if (property is null) return "has the wrong type or value (see /openapi/v1.json).";

        var type = property.PropertyType;
        if (isElement && ElementTypeOf(type) is { } element)
            return "each item " + Describe(element);
        return Describe(type);
    }

    private static Type? ElementTypeOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var single] ? single
        : null;

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "must be a string.";
        if (type == typeof(int) || type == typeof(long)) return "must be a whole number.";
        if (type == typeof(bool)) return "must be true or false.";
        if (type == typeof(DateTimeOffset)) return "must be a UTC timestamp string like 2026-01-31T12:00:00.000Z.";
        if (type.IsEnum)
            return "must be one of: " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)) + ".";
        if (type == typeof(JsonObject)) return "must be a JSON object.";
        if (ElementTypeOf(type) is { } element && type != typeof(string))
            return element == typeof(string) ? "must be an array of strings." : "must be an array.";
        return "has the wrong type or value (see /openapi/v1.json).";
    }
}
