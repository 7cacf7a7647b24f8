using System.Globalization;
using System.Text.Json;
using Baton.Core.Common;

namespace Baton.Core.Tests;

/// <summary>The wire form of a timestamp, written by hand for speed, is exactly the documented format.</summary>
public sealed class TimestampTests
{
    public static TheoryData<string> Instants => new()
    {
        "0001-01-01T00:00:00.000+00:00",
        "9999-12-31T23:59:59.999+00:00",
        "2026-11-22T01:30:00.123+00:00",
        "2026-02-28T23:59:59.050-05:30",
        "2024-02-29T00:00:00.007+14:00",
        "1999-07-04T09:08:07.600+00:00",
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void ToWire_AnyInstant_IsTheFormatInUtc(string iso)
    {
        var value = DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

        Assert.Equal(value.UtcDateTime.ToString(Timestamp.Format, CultureInfo.InvariantCulture), Timestamp.ToWire(value));
    }

    [Theory]
    [MemberData(nameof(Instants))]
    public void Serialize_AnyInstant_WritesTheWireFormAndReadsItBack(string iso)
    {
        var value = Timestamp.TruncateToMilliseconds(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture));

        var json = JsonSerializer.Serialize(new Stamped(value, value), BatonJson.Options);

        var wire = value.UtcDateTime.ToString(Timestamp.Format, CultureInfo.InvariantCulture);
        Assert.Equal($$"""{"at":"{{wire}}","maybe":"{{wire}}"}""", json);
        Assert.Equal(new Stamped(value, value), JsonSerializer.Deserialize<Stamped>(json, BatonJson.Options));
        Assert.Equal("""{"at":"0001-01-01T00:00:00.000Z","maybe":null}""", JsonSerializer.Serialize(new Stamped(DateTimeOffset.MinValue, null), BatonJson.Options));
    }

    private sealed record Stamped(DateTimeOffset At, DateTimeOffset? Maybe);
}
