using System.Security.Cryptography;
using System.Text;

namespace Baton.Core.Keys;

/// <summary>
/// API keys are shown once and stored only as SHA-256 hashes. The actor id that records and logs carry is the first
/// 16 hex characters of that hash: stable, not secret, and never enough to authenticate.
/// </summary>
public static class KeyHashing
{
    /// <summary>Prefix of every key Baton mints, so a leaked key is recognisable in a secret scan.</summary>
    public const string KeyPrefix = "bk_";

    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return KeyPrefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string ActorKeyIdOf(string keyHash) => keyHash[..16];

    /// <summary>Compares two hashes in constant time, so response timing says nothing about how close a guess was.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
