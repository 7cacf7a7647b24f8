using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Baton.Cli.Fleet;

/// <summary>What <c>baton fleet register</c> can find out about this machine by itself; each value may be overridden by a flag.</summary>
public static class MachineFacts
{
    /// <summary>Public key files tried in this order: the key types OpenSSH itself prefers first.</summary>
    public static readonly IReadOnlyList<string> PreferredKeyFiles = ["id_ed25519.pub", "id_ecdsa.pub", "id_ed25519_sk.pub", "id_ecdsa_sk.pub", "id_rsa.pub"];

    public static string Os() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsWindows() ? "windows" : RuntimeInformation.OSDescription;

    public static string Arch() => RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>
    /// The first IPv4 address of an interface that is up and not loopback (sorted by interface name so the answer is
    /// stable from run to run); null when there is none. Machines behind NAT or on a VPN should pass <c>--address</c>.
    /// </summary>
    public static string? AddressOrNull()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .OrderBy(n => n.Name, StringComparer.Ordinal)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
                ?.ToString();
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }

    /// <summary>The path of this user's public key in <c>~/.ssh</c> (preferred types first, then any <c>id_*.pub</c>); null when there is none.</summary>
    public static string? PublicKeyFileOrNull(string home)
    {
        var ssh = Path.Combine(home, ".ssh");
        if (!Directory.Exists(ssh)) return null;
        foreach (var name in PreferredKeyFiles)
        {
            var path = Path.Combine(ssh, name);
            if (File.Exists(path)) return path;
        }
        return Directory.GetFiles(ssh, "id_*.pub").Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The first non-empty line of a public key file (the service checks that it is one key line).</summary>
    public static string ReadPublicKey(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)
        ?? throw new UsageException($"{path} is empty: pass --ssh-public-key, or create a key with `ssh-keygen -t ed25519`.");
}
