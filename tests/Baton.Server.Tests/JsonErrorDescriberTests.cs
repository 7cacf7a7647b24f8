using System.Text;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Server.Http;

namespace Baton.Server.Tests;

public sealed class JsonErrorDescriberTests
{
    [Theory]
    [InlineData("$.agent", "agent")]
    [InlineData("$.accomplished[1]", "accomplished[1]")]
    [InlineData("$['odd key']", "odd key")]
    [InlineData("$", null)]
    [InlineData(null, null)]
    public void FieldOf_JsonPath_NamesTheField(string? path, string? field) => Assert.Equal(field, JsonErrorDescriber.FieldOf(path));

    [Fact]
    public void Describe_WrongItemTypeInAList_SaysWhatEachItemMustBe()
    {
        var body = Encoding.UTF8.GetBytes("""{"session_id":"s","summary":"x","status":"done","accomplished":["a",3]}""");
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EodRequest>(body, BatonJson.Options));

        var problem = JsonErrorDescriber.Describe(error, body, typeof(EodRequest));

        Assert.Equal("validation_failed", problem.Code);
        Assert.Equal("each item must be a string.", Assert.Single(problem.Errors!["accomplished[1]"]));
    }

    [Fact]
    public void Describe_TruncatedJson_IsMalformedJson()
    {
        var body = Encoding.UTF8.GetBytes("""{"agent":"a1","venture":""");
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<SodRequest>(body, BatonJson.Options));

        var problem = JsonErrorDescriber.Describe(error, body, typeof(SodRequest));

        Assert.Equal("malformed_json", problem.Code);
        Assert.Contains("line 1", problem.Detail);
    }
}
