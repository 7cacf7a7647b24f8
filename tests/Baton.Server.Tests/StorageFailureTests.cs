using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;
using Baton.Storage.Sqlite;

namespace Baton.Server.Tests;

/// <summary>
/// docs/architecture.md §8 "Storage failures": a full disk is 507 <c>storage_full</c>, a read-only or failing one 503
/// <c>storage_unavailable</c>, both naming the data directory; reads keep working and writes resume by themselves.
/// The failures are real SQLite errors on the store's writer: <c>max_page_count</c> makes the file "full"
/// (SQLITE_FULL) and <c>query_only</c> makes it refuse writes (SQLITE_READONLY; it cannot be lifted again through the
/// writer, whose every group begins a write transaction, so that test stops at "reads still work").
/// </summary>
public sealed class StorageFailureTests
{
    private static StringContent Note(string title, int contentChars = 10) =>
        TestServer.Json(JsonSerializer.Serialize(new { venture = "alpha", title, content = new string('x', contentChars) }));

    private static Task SetWriterPragmaAsync(TestServer server, string pragma) =>
        Assert.IsType<SqliteBatonStore>(server.Store).WriteAsync(db => db.Execute($"PRAGMA {pragma}"), CancellationToken.None);

    [Fact]
    public async Task Write_WhenTheDiskIsFull_Is507StorageFullNamingTheDataDirectory_AndResumesOnceThereIsRoom()
    {
        await using var server = await TestServer.StartAsync();
        var store = Assert.IsType<SqliteBatonStore>(server.Store);
        var pages = await store.WriteAsync(db => db.Scalar("PRAGMA page_count"), CancellationToken.None);
        await SetWriterPragmaAsync(server, $"max_page_count = {pages}");

        using var full = await server.Admin.PostAsync("/v1/notes", Note("too big", 90_000));
        var problem = await TestServer.ReadJsonAsync(full);
        using var read = await server.Admin.GetAsync("/v1/notes?venture=alpha");
        await SetWriterPragmaAsync(server, "max_page_count = 1073741823");
        using var afterwards = await server.Admin.PostAsync("/v1/notes", Note("fits again", 90_000));

        Assert.Equal((HttpStatusCode)507, full.StatusCode);
        Assert.Equal("storage_full", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("disk is full", detail);
        Assert.Contains(server.DataDir, detail);
        Assert.Contains("nothing acknowledged was lost", detail);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
    }

    [Fact]
    public async Task Write_WhenTheDatabaseIsReadOnly_Is503StorageUnavailableNamingTheDataDirectory_WhileReadsWork()
    {
        await using var server = await TestServer.StartAsync();
        using var before = await server.Admin.PostAsync("/v1/notes", Note("before"));
        await SetWriterPragmaAsync(server, "query_only = 1");

        using var refused = await server.Admin.PostAsync("/v1/notes", Note("refused"));
        var problem = await TestServer.ReadJsonAsync(refused);
        using var read = await server.Admin.GetAsync("/v1/notes?venture=alpha");
        var notes = await TestServer.ReadJsonAsync(read);

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("storage_unavailable", problem.GetProperty("code").GetString());
        Assert.Contains(server.DataDir, problem.GetProperty("detail").GetString());
        Assert.Contains("read-only", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(1, notes.GetProperty("total").GetInt32());
    }
}
