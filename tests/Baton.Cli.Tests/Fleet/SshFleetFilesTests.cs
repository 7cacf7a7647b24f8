using Baton.Cli.Commands;
using Baton.Cli.Fleet;
using Baton.Core.Fleet;

namespace Baton.Cli.Tests.Fleet;

public sealed class SshFleetFilesTests
{
    private static MachineInfo Machine(string host, string? key = null, string? address = null, string? user = null) =>
        new("mach_" + host, host, "linux", "x64", address, key, user, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0);

    [Theory]
    [InlineData("Include config.d/*\n", true)]
    [InlineData("  include   ~/.ssh/config.d/*\n", true)]
    [InlineData("Include=\"config.d/*\"\n", true)]
    [InlineData("Include other/*\n", false)]
    [InlineData("# Include config.d/*\n", false)]
    [InlineData("", false)]
    public void HasInclude_RecognisesTheSpellingsSshAccepts(string config, bool expected) =>
        Assert.Equal(expected, SshFleetFiles.HasInclude(config));

    [Fact]
    public void WithInclude_OnEmptyConfig_IsJustTheIncludeLine() =>
        Assert.Equal("Include config.d/*\n", SshFleetFiles.WithInclude(""));

    [Fact]
    public void WithKeys_WithoutTrailingNewline_AddsOneBeforeTheNewKey()
    {
        var (text, added) = SshFleetFiles.WithKeys("ssh-rsa AAAA x", [Machine("b", "ssh-ed25519 BBBB b@b"), Machine("c")]);

        Assert.Equal("ssh-rsa AAAA x\nssh-ed25519 BBBB b@b\n", text);
        Assert.Equal(["b"], added);
    }

    [Fact]
    public void WithKeys_TwoMachinesSharingAKey_AddsItOnce()
    {
        var (text, added) = SshFleetFiles.WithKeys("", [Machine("a", "ssh-ed25519 SAME a"), Machine("b", "ssh-ed25519 SAME b")]);

        Assert.Equal("ssh-ed25519 SAME a\n", text);
        Assert.Single(added);
    }

    [Fact]
    public void IdentityOrNull_SkipsOptionsAndIgnoresComment() =>
        Assert.Equal("ssh-ed25519 AAAA", SshFleetFiles.IdentityOrNull("no-pty,from=\"1.2.3.4\" ssh-ed25519 AAAA some comment"));

    [Fact]
    public void HostsFile_IsSortedAndUsesHostnameWhenNoAddress()
    {
        var text = SshFleetFiles.HostsFile([Machine("zeta", address: "10.0.0.9"), Machine("alpha")]);

        Assert.True(text.IndexOf("Host alpha\n  HostName alpha\n", StringComparison.Ordinal) < text.IndexOf("Host zeta\n  HostName 10.0.0.9\n", StringComparison.Ordinal));
        Assert.DoesNotContain("User", text);
    }

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(42, "42 s ago")]
    [InlineData(300, "5 min ago")]
    [InlineData(7_300, "2 h ago")]
    [InlineData(200_000, "2 d ago")]
    public void Age_RoundsDownToAUnitAPersonReads(long seconds, string expected) => Assert.Equal(expected, FleetCommands.Age(seconds));
}
