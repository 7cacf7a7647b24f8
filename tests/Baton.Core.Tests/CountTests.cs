using Baton.Core.Common;


namespace Baton.Core.Tests;

public class CountTests
{
    [Fact]
    public void ToString_AllShown_IsThePlainNumber() => Assert.Equal("3", Count.All(3).ToString());

    [Fact]
    public void ToString_SliceOfKnownTotal_SaysShowingNOfTotal() => Assert.Equal("showing 10 of 270", Count.Slice(10, 270).ToString());

    [Fact]
    public void ToString_SliceThatIsTheWhole_IsThePlainNumber() => Assert.Equal("7", Count.Slice(7, 7).ToString());

    [Fact]
    public void ToString_UnknownTotal_SaysTotalUnknown() => Assert.Equal("10 shown, total unknown", Count.Unknown(10).ToString());

    [Fact]
    public void ToString_LargeTotal_UsesThousandsSeparators() => Assert.Equal("showing 20 of 12,345", Count.Slice(20, 12_345).ToString());

    [Fact]
    public void Slice_TotalSmallerThanShown_IsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => Count.Slice(5, 4));

    [Fact]
    public void Hidden_Slice_IsTotalMinusShown()
    {
        Assert.Equal(260, Count.Slice(10, 270).Hidden);
        Assert.Null(Count.Unknown(10).Hidden);
        Assert.False(Count.Slice(10, 270).IsWhole);
        Assert.True(Count.All(4).IsWhole);
    }
}

public class ValidatorTests
{
    [Fact]
    public void Text_SingleLineFieldWithNewline_IsRefusedNamingTheField()
    {
        var v = new Validator();
        v.Text("title", "two\nlines");

        var e = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Equal(["must be one line without control characters."], e.Errors!["title"]);
    }

    [Fact]
    public void Required_MultilineContentWithTabsAndLineBreaks_IsAccepted()
    {
        var v = new Validator();
        var text = v.Required("content", "# Title\r\n\n\tindented", 100, multiline: true);

        Assert.False(v.HasErrors);
        Assert.Equal("# Title\r\n\n\tindented", text);
    }

    [Fact]
    public void Required_MultilineContentWithOtherControlCharacters_IsRefused()
    {
        var v = new Validator();
        v.Required("content", "bell\u0007", 100, multiline: true);

        Assert.True(v.HasErrors);
    }

    [Fact]
    public void Entries_NullInsideTheList_IsAProblemNamingItsIndex()
    {
        var v = new Validator();

        var entries = v.Entries("generation_sources", ["routes", null, "readme", null]);

        Assert.Equal(["routes", "readme"], entries);
        var error = Assert.Throws<BatonException>(v.ThrowIfAny);
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["generation_sources[1]", "generation_sources[3]"], error.Errors!.Keys.Order());
    }

    [Fact]
    public void Entries_NoList_IsEmptyAndNoProblem()
    {
        var v = new Validator();

        Assert.Empty(v.Entries("tags", null));
        Assert.False(v.HasErrors);
    }
}
