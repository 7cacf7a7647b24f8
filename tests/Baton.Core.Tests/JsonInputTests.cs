using System.Text;
using Baton.Core.Common;

namespace Baton.Core.Tests;

public class JsonInputTests
{
    private static BatonException? Check(string json) => JsonInput.Check(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("""{"agent":"a1","payload":{"a":1,"b":[1,{"c":"\ud83d\ude00"}]}}""")]
    [InlineData("""{"a":{"a":{"a":1}}}""")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    public void Check_ValidJson_IsNull(string json) => Assert.Null(Check(json));

    [Fact]
    public void Check_Utf8ByteOrderMark_IsSkippedLikeTheSerializerDoes()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"a":1}""")).ToArray();

        Assert.Null(JsonInput.Check(bytes));
    }

    [Theory]
    [InlineData("""{"payload":{"a":1,"a":2}}""", "payload.a")]
    [InlineData("""{"agent":"x","agent":"y"}""", "agent")]
    [InlineData("""{"list":[{"k":1},{"k":1,"k":2}]}""", "list[1].k")]
    [InlineData("""{"payload":{"odd key":1,"odd key":2}}""", "payload['odd key']")]
    public void Check_DuplicateKey_IsValidationFailedNamingItsPath(string json, string path)
    {
        var problem = Check(json);

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.Equal([path], problem.Errors!.Keys);
        Assert.Contains("more than once", problem.Errors[path][0]);
        Assert.Contains(path, problem.Detail);
    }

    [Fact]
    public void Check_SameKeyInSiblingObjects_IsNotADuplicate() =>
        Assert.Null(Check("""{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":2}]}"""));

    [Theory]
    [InlineData("""{"payload":{"a":"\ud800"}}""", "payload.a")]
    [InlineData("""{"payload":{"a":"\udc00"}}""", "payload.a")]
    [InlineData("""{"payload":{"a":"x\ud800\u0041"}}""", "payload.a")]
    [InlineData("""{"accomplished":["ok","\ud800"]}""", "accomplished[1]")]
    [InlineData("""{"payload":{"\ud800":1}}""", "payload")]
    [InlineData("""{"\udfff":1}""", "body")]
    public void Check_LoneSurrogateInValueOrKey_IsValidationFailedNamingThePath(string json, string path)
    {
        var problem = Check(json);

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.Contains("surrogate", Assert.Single(problem.Errors![path]));
    }

    [Fact]
    public void Check_InvalidUtf8InAString_IsMalformedJsonNamingThePath()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"payload":{"a":"?"}}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xFF;

        var problem = JsonInput.Check(bytes);

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.MalformedJson, problem.Code);
        Assert.Contains("UTF-8", Assert.Single(problem.Errors!["payload.a"]));
    }

    [Fact]
    public void Check_InvalidUtf8InAKey_IsMalformedJsonNamingTheObject()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"meta":{"?":1}}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xC3; // a lead byte with no continuation

        var problem = JsonInput.Check(bytes);

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.MalformedJson, problem.Code);
        Assert.True(problem.Errors!.ContainsKey("meta"));
    }

    [Fact]
    public void Check_SyntaxError_IsMalformedJsonWithLineAndByte()
    {
        var problem = Check("{\n  \"agent\": alpha\n}");

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.MalformedJson, problem.Code);
        Assert.Contains("line 2", problem.Detail);
    }

    [Theory]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":1 /* comment */}""")]
    public void Check_TrailingCommaOrComment_IsMalformedLikeTheSerializer(string json) =>
        Assert.Equal(ErrorCodes.MalformedJson, Check(json)?.Code);

    [Fact]
    public void Check_NestingAtTheLimit_IsAcceptedAndOneDeeperIsRefusedWithItsPath()
    {
        // The outer object is one level, so 63 more arrays make 64 in all.
        static string Nested(int arrays) => "{\"payload\":" + new string('[', arrays) + new string(']', arrays) + "}";

        Assert.Null(Check(Nested(JsonInput.MaxDepth - 1)));
        var problem = Check(Nested(JsonInput.MaxDepth));

        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        var (field, messages) = Assert.Single(problem.Errors!);
        Assert.StartsWith("payload[0]", field);
        Assert.Contains("64 levels", messages[0]);
    }

    [Fact]
    public void Check_VeryLongDuplicateKey_IsCutInThePath()
    {
        var key = new string('k', 5_000);

        var problem = Check($$"""{"{{key}}":1,"{{key}}":2}""");

        Assert.NotNull(problem);
        Assert.True(problem.Errors!.Keys.Single().Length < 200);
    }
}
