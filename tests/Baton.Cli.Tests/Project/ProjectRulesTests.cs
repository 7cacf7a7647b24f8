using Baton.Cli.Project;

namespace Baton.Cli.Tests.Project;

public sealed class ProjectRulesTests
{
    private static readonly DecisionEntry Entry = new(new DateOnly(2026, 3, 1), "New", "ctx", "dec", null, null, null);

    [Fact]
    public void Prepend_WithoutAnchor_GoesBeforeTheFirstEntryAndKeepsTheRest()
    {
        const string log = "# Decisions\n\nIntro.\n\n## 2025-01-01 — Old\n\n- **Status:** accepted\n";

        var text = DecisionLog.Prepend(log, Entry);

        Assert.StartsWith("# Decisions\n\nIntro.\n\n## 2026-03-01 — New\n", text);
        Assert.EndsWith("\n## 2025-01-01 — Old\n\n- **Status:** accepted\n", text);
    }

    [Fact]
    public void Prepend_WithoutAnyEntry_AppendsAfterTheHeader() =>
        Assert.Equal("# D\n\n## 2026-03-01 — New\n", DecisionLog.Prepend("# D\n", Entry)[..("# D\n\n## 2026-03-01 — New\n".Length)]);

    [Fact]
    public void Render_MultiLineValue_StaysInsideItsListItem() =>
        Assert.Contains("- **Context:** line one\n  line two\n", DecisionLog.Render(Entry with { Context = "line one\nline two" }));

    [Fact]
    public void ReplaceOrNull_KeepsMarkersAndOutsideBytesAndCrlf()
    {
        const string text = "a\r\n<!-- baton:begin s -->\r\nold\r\n<!-- baton:end s -->\r\nz";

        var replaced = StatusSections.ReplaceOrNull(text, "s", "new\nlines\n", "STATUS.md");

        Assert.Equal("a\r\n<!-- baton:begin s -->\r\nnew\r\nlines\r\n<!-- baton:end s -->\r\nz", replaced);
    }

    [Fact]
    public void ReplaceOrNull_WithoutMarkers_IsNull() => Assert.Null(StatusSections.ReplaceOrNull("# Status\n", "s", "x", "STATUS.md"));

    [Theory]
    [InlineData("claude-box.local", "claude-box.local.md")]
    [InlineData("a/b c", "a-b-c.md")]
    [InlineData("..", "agent.md")]
    public void FileName_KeepsSafeCharactersOnly(string agent, string expected) => Assert.Equal(expected, HandoffMarkdown.FileName(agent));
}
