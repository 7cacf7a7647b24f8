using Baton.Core.Common;

namespace Baton.Core.Tests;

public class CursorsTests
{
    private static readonly IdGenerator Ids = new(TimeProvider.System);

    [Fact]
    public void KeysetAfterOrNull_IdOfThatList_IsTheId()
    {
        var id = Ids.New(IdGenerator.Session);

        Assert.Equal(id, Cursors.KeysetAfterOrNull(id, IdGenerator.Session));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void KeysetAfterOrNull_NoCursor_IsTheFirstPage(string? cursor) =>
        Assert.Null(Cursors.KeysetAfterOrNull(cursor, IdGenerator.Session));

    [Theory]
    [InlineData("garbage")]
    [InlineData("20")]
    [InlineData("sess_")]
    [InlineData("sess_01JUNKNOWN000000000000000")]
    [InlineData("sess_81M8RKQ7E1TYB8JDN73X7QDH6Y")]
    [InlineData("sess_01m8rkq7e1tyb8jdn73x7qdh6y")]
    [InlineData("sess_01M8RKQ7E1TYB8JDN73X7QDH6Y'--")]
    public void KeysetAfterOrNull_NotAnIdOfThisList_IsInvalidCursor(string cursor)
    {
        var error = Assert.Throws<BatonException>(() => Cursors.KeysetAfterOrNull(cursor, IdGenerator.Session));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
        Assert.Equal(400, error.Status);
        Assert.True(error.Errors!.ContainsKey("cursor"));
    }

    [Fact]
    public void KeysetAfterOrNull_IdOfAnotherList_IsInvalidCursor()
    {
        var handoff = Ids.New(IdGenerator.Handoff);

        Assert.Equal(ErrorCodes.InvalidCursor, Assert.Throws<BatonException>(() => Cursors.KeysetAfterOrNull(handoff, IdGenerator.Session)).Code);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999")]
    [InlineData(" 20")]
    public void OffsetPagingParseCursor_NotAnOffset_IsInvalidCursorLikeKeysetLists(string cursor) =>
        Assert.Equal(ErrorCodes.InvalidCursor, Assert.Throws<BatonException>(() => OffsetPaging.ParseCursor(cursor)).Code);

    [Fact]
    public void OffsetPagingParseCursor_AnOffset_IsIt() => Assert.Equal(40, OffsetPaging.ParseCursor("40"));
}
