using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Core.Common;

/// <summary>
/// The one set of JSON options for the wire, the store's JSON columns and the CLI's <c>--json</c> output:
/// snake_case names, snake_case enum values, UTC timestamps with milliseconds. <see cref="Options"/> ignores unknown
/// members (a client reading a newer server's answer, a store reading an older row); <see cref="Requests"/>, for what
/// a person or a client sends (request bodies, config files), refuses them (docs/architecture.md §7).
/// </summary>
public static class BatonJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>Same as <see cref="Options"/> but indented, for people reading CLI output.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>
    /// Same as <see cref="Options"/> but an unknown member is a <see cref="JsonException"/> rather than dropped, so a
    /// misspelt field (<c>commitSha</c>) is an error naming it (<see cref="UnknownField"/>) instead of a silent null.
    /// Free-form members (<c>JsonObject</c>: a handoff's payload, a session's meta) stay free.
    /// </summary>
    public static JsonSerializerOptions Requests { get; } = Create(indented: false, refuseUnknown: true);

    /// <summary>Applies Baton's conventions to options owned by someone else (ASP.NET Core's, for instance).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.NumberHandling = JsonNumberHandling.Strict;
        // Before the enum converter: workflow states are written as the diagram and labels name them (IN_PROGRESS).
        options.Converters.Add(new Baton.Core.Workflows.WorkflowStateJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimestampConverter());
        options.Converters.Add(new NullableUtcTimestampConverter());
    }

    /// <summary><see cref="Configure"/> plus the one difference of <see cref="Requests"/>: unknown members are refused.</summary>
    public static void ConfigureForRequests(JsonSerializerOptions options)
    {
        Configure(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    private static JsonSerializerOptions Create(bool indented, bool refuseUnknown = false)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        if (refuseUnknown) ConfigureForRequests(options);
        else Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Formats timestamps the one way docs/architecture.md §3 allows: UTC, ISO 8601, milliseconds, <c>Z</c>.</summary>
public static class Timestamp
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Characters in the wire form: <c>2026-11-22T01:30:00.123Z</c>.</summary>
    public const int WireLength = 24;

    public static string ToWire(DateTimeOffset value) =>
        string.Create(WireLength, value.UtcDateTime, static (chars, utc) => Write(chars, utc));

    /// <summary>
    /// The wire form as UTF-8, written straight into <paramref name="bytes"/> (<see cref="WireLength"/> of them): what
    /// the JSON converters write, so every timestamp of an answer costs no string and no parse of <see cref="Format"/>.
    /// </summary>
    public static void WriteUtf8(Span<byte> bytes, DateTimeOffset value)
    {
        Span<char> chars = stackalloc char[WireLength];
        Write(chars, value.UtcDateTime);
        for (var i = 0; i < WireLength; i++) bytes[i] = (byte)chars[i];
    }

    /// <summary><see cref="Format"/> by hand (years are 1–9999, so always four digits).</summary>
    private static void Write(Span<char> chars, DateTime utc)
    {
        Digits(chars[..4], utc.Year);
        chars[4] = '-';
        Digits(chars.Slice(5, 2), utc.Month);
        chars[7] = '-';
        Digits(chars.Slice(8, 2), utc.Day);
        chars[10] = 'T';
        Digits(chars.Slice(11, 2), utc.Hour);
        chars[13] = ':';
        Digits(chars.Slice(14, 2), utc.Minute);
        chars[16] = ':';
        Digits(chars.Slice(17, 2), utc.Second);
        chars[19] = '.';
        Digits(chars.Slice(20, 3), utc.Millisecond);
        chars[23] = 'Z';
    }

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Drops sub-millisecond precision so a value survives a round trip through the wire and the store unchanged.</summary>
    public static DateTimeOffset TruncateToMilliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}

internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Timestamp.Parse(reader.GetString() ?? throw new JsonException("A timestamp must be a string."));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[Timestamp.WireLength];
        Timestamp.WriteUtf8(utf8, value);
        writer.WriteStringValue(utf8);
    }
}

internal sealed class NullableUtcTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Timestamp.Parse(reader.GetString() ?? throw new JsonException("A timestamp must be a string."));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }
        Span<byte> utf8 = stackalloc byte[Timestamp.WireLength];
        Timestamp.WriteUtf8(utf8, value.Value);
        writer.WriteStringValue(utf8);
    }
}

/// <summary>
/// Lets a <see cref="string"/> property that already holds JSON travel as JSON (not as an escaped string): the stored
/// canonical handoff payload is written verbatim and read back as its raw text.
/// </summary>
public sealed class RawJsonStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteRawValue(value);
}
