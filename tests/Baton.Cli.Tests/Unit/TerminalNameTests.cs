using Baton.Local.Terminal;

namespace Baton.Cli.Tests.Unit;

public sealed class TerminalNameTests
{
    [Theory]
    [InlineData("%3", "tmux-3")]
    [InlineData("%12", "tmux-12")]
    [InlineData("", null)]
    [InlineData("3", null)]
    [InlineData("%x", null)]
    public void FromTmuxPane_PaneId_IsTmuxAndItsNumber(string pane, string? expected)
    {
        Assert.Equal(expected, TerminalName.FromTmuxPane(pane));
    }

    [Theory]
    [InlineData("4242 (bash) S 4241 4242 4242 34820 4242 4194560", "pts-4")] // 34820 = major 136, minor 4
    [InlineData("4242 (my (odd) name) S 1 4242 4242 34820 4242 0", "pts-4")]
    [InlineData("4242 (bash) S 4241 4242 4242 1026 4242 0", "tty2")] // major 4, minor 2
    [InlineData("4242 (dotnet) S 1 4242 4242 0 -1 0", null)]
    [InlineData("garbage", null)]
    public void FromStat_TtyNrField_NamesTheControllingTerminal(string stat, string? expected)
    {
        Assert.Equal(expected, TerminalName.FromStat(stat));
    }

    [Theory]
    [InlineData("/dev/pts/7", "pts-7")]
    [InlineData("/dev/tty1", "tty1")]
    [InlineData("pipe:[12345]", null)]
    [InlineData("/dev/null", null)]
    public void FromDevicePath_StandardInputTarget_NamesATerminalOnly(string path, string? expected)
    {
        Assert.Equal(expected, TerminalName.FromDevicePath(path));
    }

    [Fact]
    public void Detect_TmuxPaneSet_WinsOverTheTty()
    {
        Assert.Equal("tmux-5", TerminalName.Detect(new Dictionary<string, string> { ["TMUX_PANE"] = "%5" }));
    }
}
