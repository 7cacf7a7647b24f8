using Baton.Core.Common;


namespace Baton.Storage.Contract;

/// <summary>Reads a paged list to its end the way a client would, checking the promises every list makes on the way.</summary>
public static class Paging
{
    /// <summary>Reads every page of a list, asserting the total stays the same on each page.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(Func<string?, Task<Page<T>>> readPage, long expectedTotal, int expectedPages)
    {
        var items = new List<T>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await readPage(cursor);
            pages++;
            Assert.Equal(expectedTotal, page.Total);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
            Assert.True(pages <= expectedPages, "the list kept returning cursors past its last page");
        }
        while (cursor is not null);

        Assert.Equal(expectedPages, pages);
        return items;
    }
}
