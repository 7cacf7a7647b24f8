using System.Security.Cryptography;
using System.Text;
using Baton.Cli.Commands;
using Baton.Core.Knowledge;

namespace Baton.Cli.Tests.Unit;

/// <summary>The pure rules behind <c>baton docs upload</c> and <c>docs sync</c>: naming, hashing, file choice, the sync plan.</summary>
public sealed class DocFilesTests
{
    private static DocSummary Summary(string name, int sizeBytes, string hash) =>
        new("alpha", name, name, 1, sizeBytes, DateTimeOffset.UnixEpoch, null, false, hash);

    [Theory]
    [InlineData("/repo/docs/alpha-runbook.md", "alpha-runbook.md")]
    [InlineData("/repo/docs/ON_CALL.v2.txt", "ON_CALL.v2.txt")]
    [InlineData("relative/notes-2026.md", "notes-2026.md")]
    public void FromContent_FileNameAllowed_IsTheDocName(string path, string expected)
    {
        var local = DocFiles.FromContent(path, "# Title\n");

        Assert.Equal(expected, local.Name);
        Assert.Null(local.Problem);
    }

    [Theory]
    [InlineData("/repo/docs/run book.md")]
    [InlineData("/repo/docs/runbook(1).md")]
    [InlineData("/repo/docs/résumé.md")]
    public void FromContent_FileNameTheServerWouldRefuse_SaysWhyInsteadOfRenaming(string path)
    {
        var local = DocFiles.FromContent(path, "# Title\n");

        Assert.NotNull(local.Problem);
        Assert.Contains(Path.GetFileName(path), local.Problem);
        Assert.Contains("letters, digits", local.Problem);
    }

    [Fact]
    public void FromContent_AFileNameOf121Characters_IsRefused()
    {
        Assert.Null(DocFiles.NameProblemOrNull(new string('a', 120)));
        Assert.NotNull(DocFiles.NameProblemOrNull(new string('a', 121)));
    }

    [Fact]
    public void FromContent_BinaryOrEmpty_IsNotADoc()
    {
        Assert.Equal("it is not a text file.", DocFiles.FromContent("/x/logo.md", "PNG\0\0IHDR").Problem);
        Assert.Equal("it is empty.", DocFiles.FromContent("/x/empty.md", "").Problem);
    }

    [Fact]
    public void FromContent_NonAsciiText_SizeAndHashAreOfTheUtf8Bytes()
    {
        const string content = "# Café ☕\nÜber alles.\n";
        var bytes = Encoding.UTF8.GetBytes(content);

        var local = DocFiles.FromContent("/x/cafe.md", content);

        Assert.Equal(bytes.Length, local.SizeBytes);
        Assert.NotEqual(content.Length, local.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), local.Hash);
    }

    [Fact]
    public void HashOf_KnownVector_MatchesSha256Hex()
    {
        // SHA-256("abc") from FIPS 180-2.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DocFiles.HashOf("abc"));
    }

    [Fact]
    public void SyncCandidates_Folder_SkipsHiddenFilesAndSortsByName()
    {
        var paths = new[] { "/d/zeta.md", "/d/.gitkeep", "/d/alpha.md", "/d/.DS_Store", "/d/Beta.md" };

        Assert.Equal(["/d/Beta.md", "/d/alpha.md", "/d/zeta.md"], DocFiles.SyncCandidates(paths));
    }

    [Fact]
    public void Plan_DocNotOnTheServer_Uploads()
    {
        var local = DocFiles.FromContent("/d/new.md", "# New\n");

        Assert.Equal(SyncStep.Upload, DocFiles.Plan(local, null));
    }

    [Fact]
    public void Plan_ServerHashDiffers_Uploads()
    {
        var local = DocFiles.FromContent("/d/runbook.md", "# Runbook, changed\n");

        Assert.Equal(SyncStep.Upload, DocFiles.Plan(local, Summary("runbook.md", local.SizeBytes, DocFiles.HashOf("# Runbook, before\n"))));
    }

    [Fact]
    public void Plan_ServerHashEqual_SkipsWithoutReadingOrWriting()
    {
        var local = DocFiles.FromContent("/d/runbook.md", "# Runbook\n");

        Assert.Equal(SyncStep.Skip, DocFiles.Plan(local, Summary("runbook.md", local.SizeBytes, local.Hash)));
    }
}
