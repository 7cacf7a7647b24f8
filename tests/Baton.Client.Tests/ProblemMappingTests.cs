using Baton.Core.Common;
using Baton.Core.Sessions;


namespace Baton.Client.Tests;

/// <summary>How failed answers become <see cref="BatonException"/>s, so the CLI prints the same thing in both modes.</summary>
public sealed class ProblemMappingTests
{
    private static BatonHttpClient ClientFor(Uri baseAddress, string? key = "bk_test") =>
        new(new BatonClientOptions { BaseAddress = baseAddress, Key = key, Delay = new RecordedDelays().Delay });

    [Fact]
    public async Task ProblemJson_KeepsCodeDetailAndFieldErrors()
    {
        const string problem = """
            {"type":"about:blank","title":"The request is not valid","status":400,"code":"validation_failed",
             "detail":"summary: is required","correlation_id":"corr_x","errors":{"summary":["is required"],"status":["must be done, in_progress or blocked"]}}
            """;
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 400, problem, "application/problem+json"));
        using var client = ClientFor(server.BaseAddress);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.EodAsync(new EodRequest("sess_x", null, null), TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("summary: is required", error.Detail);
        Assert.Equal(["is required"], error.Errors!["summary"]);
        Assert.Equal(2, error.Errors.Count);
        Assert.Equal(1, server.Calls); // a 400 is the caller's to fix: never retried
    }

    [Fact]
    public async Task ProblemJson_NotFound_IsNotRetriedAndKeepsTheServersDetail()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 404,
            """{"status":404,"code":"venture_not_found","detail":"There is no venture 'x'. Known ventures: alpha."}""", "application/problem+json"));
        using var client = ClientFor(server.BaseAddress);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.GetVentureAsync("x", TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.VentureNotFound, error.Code);
        Assert.Contains("Known ventures: alpha", error.Detail);
        Assert.Equal(1, server.Calls);
    }

    [Theory]
    [InlineData(null, "none was sent")]
    [InlineData("bk_revoked", "refused the API key")]
    public async Task Unauthorized_SaysToSetBatonKey(string? key, string expected)
    {
        await using var server = await FakeServer.StartAsync((context, _) =>
            FakeServer.Json(context, 401, """{"status":401,"code":"unauthorized","detail":"A valid API key is required."}""", "application/problem+json"));
        using var client = ClientFor(server.BaseAddress, key);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.ListKeysAsync(TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.Unauthorized, error.Code);
        Assert.Contains("BATON_KEY", error.Detail);
        Assert.Contains(expected, error.Detail);
    }

    [Fact]
    public async Task NonProblemFailure_IsUnavailableNamingTheUrlAndWhatToCheck()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 404, "<html>not here</html>", "text/html"));
        using var client = ClientFor(server.BaseAddress);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.ListVenturesAsync(TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains(new Uri(server.BaseAddress, "v1/ventures").ToString(), error.Detail);
        Assert.Contains("404", error.Detail);
        Assert.Contains("BATON_URL", error.Detail);
    }

    [Fact]
    public async Task ProblemWithoutCode_TakesTheCodeOfItsStatus()
    {
        await using var server = await FakeServer.StartAsync((context, _) =>
            FakeServer.Json(context, 429, """{"status":429,"detail":"Slow down; retry after 12 s."}""", "application/problem+json"));
        using var client = ClientFor(server.BaseAddress);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.ListVenturesAsync(TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.RateLimited, error.Code);
        Assert.Equal("Slow down; retry after 12 s.", error.Detail);
    }

    [Fact]
    public async Task SuccessWithUnreadableBody_IsUnavailableNotACrash()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 200, "<html>proxy login</html>", "text/html"));
        using var client = ClientFor(server.BaseAddress);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.GetVentureAsync("alpha", TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains("BATON_URL", error.Detail);
    }
}
