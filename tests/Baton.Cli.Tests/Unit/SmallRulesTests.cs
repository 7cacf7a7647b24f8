using Baton.Cli.Output;
using Baton.Core.Ventures;

namespace Baton.Cli.Tests.Unit;

public sealed class SmallRulesTests
{
    private static Venture V(string code, string org, params string[] repos) => new(code, code, org, repos, [], null, null, false, []);

    [Fact]
    public void FindVentureForRepoOrNull_OrgAndRepoMatchIgnoringCase_FindsTheVenture()
    {
        var ventures = new[] { V("alpha", "example-org", "alpha-console"), V("beta", "example-org", "beta-web") };

        Assert.Equal("beta", VentureLookup.FindForRepoOrNull(ventures, "Example-Org/Beta-Web")?.Code);
    }

    [Fact]
    public void FindVentureForRepoOrNull_SameRepoNameOtherOrg_FindsNothing()
    {
        var ventures = new[] { V("alpha", "example-org", "alpha-console") };

        Assert.Null(VentureLookup.FindForRepoOrNull(ventures, "someone-else/alpha-console"));
    }

    [Theory]
    [InlineData(3, 3, null, "3 sessions")]
    [InlineData(1, 1, null, "1 session")]
    [InlineData(20, 143, "c1", "showing 20 of 143 sessions; next page: --cursor c1")]
    [InlineData(0, 0, null, "0 sessions")]
    public void CountLine_PageVersusWhole_SaysWhichItIs(int shown, long total, string? cursor, string expected)
    {
        Assert.Equal(expected, Text.CountLine(shown, total, "session", cursor));
    }

    [Fact]
    public void TextTable_Rows_AreAlignedUnderTheirHeaders()
    {
        var output = new StringWriter();
        new TextTable("ID", "NAME").Add("a", "first").Add("longer-id", "second").WriteTo(output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(lines[0].IndexOf("NAME"), lines[1].IndexOf("first"));
        Assert.Equal(lines[0].IndexOf("NAME"), lines[2].IndexOf("second"));
    }

    [Fact]
    public void SessionStateFile_Remembered_IsFoundPerAgentRepoAndTrack()
    {
        var dir = Directory.CreateTempSubdirectory("baton-state-").FullName;
        try
        {
            var state = new SessionStateFile(dir);
            state.Remember("a1", "org/repo", "main", "sess_1");
            state.Remember("a1", "org/repo", "docs", "sess_2");

            var reread = new SessionStateFile(dir);
            Assert.Equal("sess_1", reread.FindSessionIdOrNull("a1", "org/repo", "main"));
            Assert.Equal("sess_2", reread.FindSessionIdOrNull("a1", "org/repo", "docs"));
            Assert.Null(reread.FindSessionIdOrNull("a2", "org/repo", "main"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SessionStateFile_Damaged_ReadsAsEmptyInsteadOfFailing()
    {
        var dir = Directory.CreateTempSubdirectory("baton-state-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, SessionStateFile.FileName), "{not json");
            Assert.Null(new SessionStateFile(dir).FindSessionIdOrNull("a1", "org/repo", "main"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SessionStateFile_SameSessionRememberedAgain_FileNotRewritten()
    {
        var dir = Directory.CreateTempSubdirectory("baton-state-").FullName;
        try
        {
            var state = new SessionStateFile(dir);
            state.Remember("a1", "org/repo", "main", "sess_1");
            var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(state.Path, written);

            state.Remember("a1", "org/repo", "main", "sess_1");

            Assert.Equal(written, File.GetLastWriteTimeUtc(state.Path));
            state.Remember("a1", "org/repo", "main", "sess_2");
            Assert.NotEqual(written, File.GetLastWriteTimeUtc(state.Path));
            Assert.Equal("sess_2", new SessionStateFile(dir).FindSessionIdOrNull("a1", "org/repo", "main"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
