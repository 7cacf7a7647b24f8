using Baton.Cli.Launch;

namespace Baton.Cli.Tests.Launch;

public sealed class CodexTomlTests
{
    private static readonly string Table = CodexToml.Table("/usr/bin/baton", ["mcp"], ["BATON_URL", "BATON_KEY"]);

    [Fact]
    public void WithTable_EmptyFile_IsJustTheTable()
    {
        Assert.Equal(Table, CodexToml.WithTable("", Table));
    }

    [Fact]
    public void WithTable_FileWithCommentsAndOtherTables_AppendsAndKeepsEveryByte()
    {
        const string original = "# top comment\nmodel = \"o3\" # inline\n\n[mcp_servers.other]\ncommand = \"x\"\n\n[[profiles]]\nname = \"a\"\n";

        var updated = CodexToml.WithTable(original, Table);

        Assert.Equal(original + "\n" + Table, updated);
    }

    [Fact]
    public void WithTable_ExistingWrongBatonTable_IsRepairedInPlace()
    {
        const string before = "model = \"o3\"\r\n\r\n";
        const string after = "\n[mcp_servers.other]\ncommand = \"x\"\n";
        var original = before + "[mcp_servers.baton]\ncommand = \"old\"\nargs = []\n[mcp_servers.baton.env]\nBATON_KEY = \"leaked\"\n" + after;

        var updated = CodexToml.WithTable(original, Table);

        Assert.Equal(before + Table + after, updated);
        Assert.DoesNotContain("leaked", updated);
    }

    [Fact]
    public void WithTable_QuotedTableName_IsRecognisedAsOurs()
    {
        var original = "[mcp_servers.\"baton\"]\ncommand = \"old\"\n";

        Assert.Equal(Table, CodexToml.WithTable(original, Table));
    }

    [Fact]
    public void WithTable_Twice_ChangesNothingTheSecondTime()
    {
        var once = CodexToml.WithTable("# c\n[a]\nx = 1\n", Table);

        Assert.Equal(once, CodexToml.WithTable(once, Table));
    }

    [Fact]
    public void WithTable_HeaderLikeLineInsideMultilineString_IsNotATable()
    {
        var original = "[mcp_servers.baton]\ncommand = \"old\"\nnote = '''\n[not_a_table]\n'''\n[after]\ny = 2\n";

        var updated = CodexToml.WithTable(original, Table);

        Assert.Equal(Table + "[after]\ny = 2\n", updated);
    }

    [Fact]
    public void Quote_EscapesQuotesBackslashesAndControls()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\"", CodexToml.Quote("a\"b\\c\n"));
    }
}
