using System.Security.Cryptography;

namespace Baton.Core.Common;

/// <summary>
/// Makes ids of the form <c>&lt;prefix&gt;_&lt;ULID&gt;</c>. ULIDs sort by creation time, which lets lists page by id.
/// Within one millisecond the random part is incremented, so ids from one generator are strictly increasing.
/// </summary>
public sealed class IdGenerator(TimeProvider clock, Random? randomSource = null)
{
    public const string Session = "sess";
    public const string Handoff = "ho";
    public const string Note = "note";
    public const string Machine = "mach";
    public const string Key = "key";
    public const string Alert = "alert";
    public const string Cadence = "cad";
    public const string Task = "task";
    public const string Agent = "agent";
    /// <summary>Hook events (docs/architecture.md §15): minted by <c>baton hook</c> when the event enters the outbox.</summary>
    public const string Event = "evt";
    public const string Claim = "claim";

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32
    private readonly object _gate = new();
    private long _lastMs = -1;
    private readonly byte[] _lastRandom = new byte[10];

    public string New(string prefix) => $"{prefix}_{NewUlid()}";

    /// <summary>True when <paramref name="text"/> has the shape of an id this class makes with <paramref name="prefix"/>.</summary>
    public static bool IsId(string text, string prefix)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(prefix);
        if (text.Length != prefix.Length + 1 + 26 || !text.StartsWith(prefix, StringComparison.Ordinal) || text[prefix.Length] != '_') return false;
        var ulid = text.AsSpan(prefix.Length + 1);
        // 26 base32 characters carry 130 bits; a ULID has 128, so the first character is at most 7.
        return ulid[0] <= '7' && ulid.IndexOfAnyExcept(Alphabet) < 0;
    }

    /// <summary>A correlation id: <c>corr_&lt;uuid&gt;</c>.</summary>
    public static string NewCorrelationId() => $"corr_{Guid.NewGuid():D}";

    public string NewUlid()
    {
        Span<byte> random = stackalloc byte[10];
        long ms;
        lock (_gate)
        {
            ms = clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (ms <= _lastMs)
            {
                ms = _lastMs;
                Increment(_lastRandom);
            }
            else
            {
                _lastMs = ms;
                // Cryptographic by default (ids are not guessable); a process that must start fast and only needs its
                // ids unique (the hook, docs/architecture.md §15) passes Random.Shared and skips loading the crypto stack.
                if (randomSource is null) RandomNumberGenerator.Fill(_lastRandom);
                else randomSource.NextBytes(_lastRandom);
            }
            _lastRandom.CopyTo(random);
        }

        Span<char> chars = stackalloc char[26];
        // 48-bit time: 10 characters.
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
        // 80-bit randomness: 16 characters, 5 bits at a time, most significant first.
        for (var i = 0; i < 16; i++)
        {
            var bit = i * 5;
            var value = 0;
            for (var b = 0; b < 5; b++)
            {
                var pos = bit + b;
                var set = (random[pos / 8] >> (7 - pos % 8)) & 1;
                value = (value << 1) | set;
            }
            chars[10 + i] = Alphabet[value];
        }
        return new string(chars);
    }

    private static void Increment(byte[] bytes)
    {
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (++bytes[i] != 0) return;
        }
    }
}
