using Baton.Core.Knowledge;

namespace Baton.Core.Tests;

public class DocSearchTests
{
    private static Doc Doc(string content, string name = "deploy", string title = "Deploy") =>
        new("alpha", name, title, content, "hash", content.Length, null, 1, DateTimeOffset.UnixEpoch, null, null, null, false);

    [Fact]
    public void Match_EveryWordSomewhere_IsASnippetWithTheWordsMarked()
    {
        var snippet = DocSearch.Match(Doc("Run the release script, then check the Canary dashboard."), DocSearch.Words("canary RELEASE"));

        Assert.Equal("Run the **release** script, then check the **Canary** dashboard.", snippet);
    }

    [Fact]
    public void Match_AWordMissing_IsNull()
    {
        Assert.Null(DocSearch.Match(Doc("Run the release script."), DocSearch.Words("release kubernetes")));
    }

    [Fact]
    public void Match_OnTheNameOnly_IsTheStartOfTheContent()
    {
        var snippet = DocSearch.Match(Doc("Nothing about it here.", name: "runbook"), DocSearch.Words("runbook"));

        Assert.Equal("Nothing about it here.", snippet);
    }

    [Fact]
    public void Snippet_LongContent_IsCutAroundTheFirstMatchWithEllipses()
    {
        var content = new string('a', 500) + " needle " + new string('b', 500);

        var snippet = DocSearch.Snippet(content, ["needle"]);

        Assert.StartsWith("…", snippet);
        Assert.EndsWith("…", snippet);
        Assert.Contains("**needle**", snippet);
        Assert.InRange(snippet.Length, DocSearch.SnippetChars - 10, DocSearch.SnippetChars + 10);
    }

    [Fact]
    public void Snippet_CutNextToAnEmoji_NeverSplitsItsSurrogatePair()
    {
        var emoji = "😀";
        // The window starts 60 characters before the match and is 200 long: the odd "x" on either side of the match puts
        // both of its edges between the two halves of an emoji.
        var content = string.Concat(Enumerable.Repeat(emoji, 100)) + "xneedlex" + string.Concat(Enumerable.Repeat(emoji, 200));

        var snippet = DocSearch.Snippet(content, ["needle"]);

        for (var i = 0; i < snippet.Length; i++)
        {
            if (char.IsHighSurrogate(snippet[i])) Assert.True(i + 1 < snippet.Length && char.IsLowSurrogate(snippet[i + 1]), $"lone high surrogate at {i}");
            else if (char.IsLowSurrogate(snippet[i])) Assert.True(i > 0 && char.IsHighSurrogate(snippet[i - 1]), $"lone low surrogate at {i}");
        }
    }

    [Fact]
    public void Snippet_AWordInsideAnotherMatchedWord_IsNotMarkedTwice()
    {
        var snippet = DocSearch.Snippet("Deploy the deployment.", ["deploy", "deployment"]);

        Assert.Equal("**Deploy** the **deployment**.", snippet);
    }

    [Fact]
    public void Words_DuplicatesIgnoringCase_AreDroppedAndAtMostTenKept()
    {
        Assert.Equal(["Canary", "release"], DocSearch.Words("  Canary release canary  "));
        Assert.Equal(10, DocSearch.Words(string.Join(' ', Enumerable.Range(0, 20).Select(i => $"w{i}"))).Count);
    }
}
