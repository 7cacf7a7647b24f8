using System.Text.RegularExpressions;

namespace Baton.Core.Fleet;

/// <summary>
/// What a machine's fields may hold. The patterns are strict on purpose: hostnames, addresses, users and keys are
/// written into other machines' <c>~/.ssh/config.d/baton-fleet</c> and <c>authorized_keys</c>, so nothing that could
/// add an SSH option or a second line may pass.
/// </summary>
public static partial class MachineRules
{
    public const int MaxHostnameLength = 253;
    public const int MaxSshKeyLength = 8_192;

    /// <summary>Hostnames compare case-insensitively (DNS), so they are stored lowercase and trimmed.</summary>
    public static string NormalizeHostname(string hostname) => hostname.Trim().ToLowerInvariant();

    /// <summary>A DNS name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters.</summary>
    public static bool IsValidHostname(string hostname) => hostname.Length <= MaxHostnameLength && HostnamePattern().IsMatch(hostname);

    /// <summary>An IP address (v4 or v6) or a DNS name.</summary>
    public static bool IsValidAddress(string address) =>
        System.Net.IPAddress.TryParse(address, out _) || IsValidHostname(address.ToLowerInvariant());

    /// <summary>One OpenSSH public key line: a key type, base64 data, and an optional comment without line breaks.</summary>
    public static bool IsValidSshPublicKey(string key) => key.Length <= MaxSshKeyLength && SshKeyPattern().IsMatch(key);

    /// <summary>A POSIX-style login name.</summary>
    public static bool IsValidSshUser(string user) => SshUserPattern().IsMatch(user);

    /// <summary>The key type and data of a public key line, without its comment: two lines with the same key but other comments are one key.</summary>
    public static string KeyIdentity(string keyLine)
    {
        var parts = keyLine.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? parts[0] + " " + parts[1] : keyLine.Trim();
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex(@"^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( [^\r\n\t]*)?$")]
    private static partial Regex SshKeyPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex SshUserPattern();
}
