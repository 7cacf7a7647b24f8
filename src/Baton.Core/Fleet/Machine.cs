
namespace Baton.Core.Fleet;

/// <summary>
/// One machine of the fleet. The hostname is the identity: registering the same hostname again updates the machine
/// and keeps its id and <see cref="RegisteredAt"/>. Hostnames are stored lowercase (DNS names are case-insensitive).
/// </summary>
/// <param name="Address">How other machines reach it over SSH (an IP or DNS name); null when unknown.</param>
/// <param name="SshPublicKey">One OpenSSH public key line (<c>ssh-ed25519 AAAA… comment</c>); null when none was given.</param>
/// <param name="SshUser">The login other machines use for SSH; null means the same user name as the caller.</param>
/// <param name="LastSeenAt">Last registration or heartbeat.</param>
public sealed record Machine(
    string Id,
    string Hostname,
    string? Os,
    string? Arch,
    string? Address,
    string? SshPublicKey,
    string? SshUser,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastSeenAt,
    string? ActorKeyId);
