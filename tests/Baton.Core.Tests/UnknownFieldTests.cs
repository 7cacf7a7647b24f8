using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Tests;

public class UnknownFieldTests
{
    private sealed record Inner(int? Count = null, string? Label = null);

    private sealed record Request(
        string? Agent = null,
        string? CommitSha = null,
        Inner? Inner = null,
        IReadOnlyList<Inner>? Items = null,
        IReadOnlyDictionary<string, Inner>? ByName = null,
        JsonObject? Payload = null);

    private static UnknownField? Find(string? path) => UnknownField.FindOrNull(BatonJson.Requests, typeof(Request), path);

    [Fact]
    public void FindOrNull_MisspeltTopLevelField_NamesItAndTheNearestKnownOne()
    {
        var unknown = Find("$.commitSha");

        Assert.NotNull(unknown);
        Assert.Equal("commitSha", unknown.Path);
        Assert.Equal("commit_sha", unknown.Suggestion);
        Assert.Equal("unknown field `commitSha`; did you mean `commit_sha`?", unknown.Message);
    }

    [Theory]
    [InlineData("$.inner.cuont", "inner.cuont", "count")]
    [InlineData("$.items[2].lable", "items[2].lable", "label")]
    [InlineData("$.by_name.some_key.lable", "by_name.some_key.lable", "label")]
    public void FindOrNull_UnknownInANestedType_FollowsThePath(string path, string expectedPath, string suggestion)
    {
        var unknown = Find(path);

        Assert.NotNull(unknown);
        Assert.Equal(expectedPath, unknown.Path);
        Assert.Equal(suggestion, unknown.Suggestion);
    }

    [Theory]
    [InlineData("$.agent")]
    [InlineData("$.commit_sha")]
    [InlineData("$.inner.count")]
    [InlineData("$.payload.anything")]
    [InlineData("$.by_name.any_key")]
    [InlineData("$.items[0]")]
    [InlineData("$")]
    [InlineData("")]
    [InlineData(null)]
    public void FindOrNull_KnownOrFreeFormMember_IsNull(string? path) => Assert.Null(Find(path));

    [Fact]
    public void FindOrNull_NothingNear_ListsTheKnownFields()
    {
        var unknown = Find("$.zzzzzz");

        Assert.NotNull(unknown);
        Assert.Null(unknown.Suggestion);
        Assert.Contains("agent, commit_sha, inner, items, by_name, payload", unknown.Message);
    }

    [Fact]
    public void ToException_IsUnknownFieldWithTheFieldInErrors()
    {
        var problem = Find("$.commitSha")!.ToException();

        Assert.Equal(ErrorCodes.UnknownField, problem.Code);
        Assert.Equal(400, problem.Status);
        Assert.StartsWith("unknown field `commitSha`; did you mean `commit_sha`?", problem.Detail);
        Assert.Contains("commit_sha", Assert.Single(problem.Errors!["commitSha"]));
    }

    [Fact]
    public void FindOrNull_PathFromTheSerializer_IsTheOneItReports()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Request>("""{"inner":{"cuont":1}}""", BatonJson.Requests));

        Assert.Equal("inner.cuont", Find(error.Path)?.Path);
    }

    [Fact]
    public void Requests_UnknownMember_ThrowsButOptionsIgnoresIt()
    {
        const string json = """{"agent":"a","commitSha":"x","payload":{"free":1}}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Request>(json, BatonJson.Requests));
        Assert.Equal("a", JsonSerializer.Deserialize<Request>(json, BatonJson.Options)!.Agent);
    }
}
