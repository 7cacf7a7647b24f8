using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>The claims routes (docs/architecture.md §15 Claims): refused with 409 naming the holder, released, listed, checked, and SOD's issue claim.</summary>
public sealed class ClaimsRoutesTests
{
    [Fact]
    public async Task CreateClaim_WhenAnotherSessionHoldsTheFile_Is409ClaimConflictNamingSessionAgentAndSince()
    {
        await using var server = await TestServer.StartAsync();
        var holder = (await server.SodAsync(server.Admin, "holder-agent")).GetProperty("session").GetProperty("id").GetString();
        var other = (await server.SodAsync(server.Admin, "other-agent")).GetProperty("session").GetProperty("id").GetString();
        using var granted = await server.Admin.PostAsync("/v1/claims", TestServer.Json($$"""{"session_id":"{{holder}}","files":["src/**"]}"""));
        var claim = (await TestServer.ReadJsonAsync(granted)).GetProperty("claim");

        using var refused = await server.Admin.PostAsync("/v1/claims", TestServer.Json($$"""{"session_id":"{{other}}","files":["src/a.cs"],"mode":"shared"}"""));
        var problem = await TestServer.ReadJsonAsync(refused);

        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        Assert.Equal("exclusive", claim.GetProperty("mode").GetString());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("claim_conflict", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"session {holder}", detail, StringComparison.Ordinal);
        Assert.Contains("agent holder-agent", detail, StringComparison.Ordinal);
        Assert.Contains("since " + claim.GetProperty("created_at").GetString(), detail, StringComparison.Ordinal);
        Assert.Contains(claim.GetProperty("id").GetString()!, problem.GetProperty("errors").GetProperty("holders")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseClaim_ThenTheOtherSessionMayClaimAndTheListCountsIt()
    {
        await using var server = await TestServer.StartAsync();
        var holder = (await server.SodAsync(server.Admin, "holder-agent")).GetProperty("session").GetProperty("id").GetString();
        var other = (await server.SodAsync(server.Admin, "other-agent")).GetProperty("session").GetProperty("id").GetString();
        using var granted = await server.Admin.PostAsync("/v1/claims", TestServer.Json($$"""{"session_id":"{{holder}}","files":["src/**"]}"""));
        var id = (await TestServer.ReadJsonAsync(granted)).GetProperty("claim").GetProperty("id").GetString();

        using var released = await server.Admin.DeleteAsync($"/v1/claims/{id}");
        using var taken = await server.Admin.PostAsync("/v1/claims", TestServer.Json($$"""{"session_id":"{{other}}","files":["src/a.cs"]}"""));
        using var list = await server.Admin.GetAsync("/v1/claims?venture=alpha&repo=alpha-console");
        var listed = await TestServer.ReadJsonAsync(list);
        using var check = await server.Admin.PostAsync("/v1/claims/check",
            TestServer.Json($$"""{"venture":"alpha","repo":"alpha-console","files":["src/a.cs","src/b.cs"],"session_id":"{{holder}}"}"""));
        var held = (await TestServer.ReadJsonAsync(check)).GetProperty("held");

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal("released", (await TestServer.ReadJsonAsync(released)).GetProperty("release_reason").GetString());
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        Assert.Equal(1, listed.GetProperty("total").GetInt64());
        Assert.Equal("src/a.cs", Assert.Single(held.EnumerateArray()).GetProperty("file").GetString());
    }

    [Fact]
    public async Task Sod_WithIssue_ClaimsItSharedAndEodReleasesIt()
    {
        await using var server = await TestServer.StartAsync();
        using var sod = await server.Admin.PostAsync("/v1/sod", TestServer.Json(
            """{"agent":"a1","venture":"alpha","repo":"alpha-console","issue_number":15}"""));
        var answer = await TestServer.ReadJsonAsync(sod);
        var session = answer.GetProperty("session").GetProperty("id").GetString();
        var claimId = answer.GetProperty("issue_claim").GetProperty("claim_id").GetString();
        using var unclaimed = await server.Admin.PostAsync("/v1/sod", TestServer.Json(
            """{"agent":"a2","venture":"alpha","repo":"alpha-console","issue_number":16,"claim_issue":false}"""));

        using var before = await server.Admin.GetAsync($"/v1/claims/{claimId}");
        using var eod = await server.Admin.PostAsync("/v1/eod", TestServer.Json($$"""{"session_id":"{{session}}","summary":"done","status":"done"}"""));
        using var after = await server.Admin.GetAsync($"/v1/claims/{claimId}");
        var released = await TestServer.ReadJsonAsync(after);

        Assert.Equal(15, (await TestServer.ReadJsonAsync(before)).GetProperty("issue_number").GetInt32());
        Assert.Equal("shared", (await TestServer.ReadJsonAsync(before)).GetProperty("mode").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await TestServer.ReadJsonAsync(unclaimed)).GetProperty("issue_claim").ValueKind);
        Assert.Equal(HttpStatusCode.OK, eod.StatusCode);
        Assert.Equal("eod", released.GetProperty("release_reason").GetString());
    }

    [Fact]
    public async Task Sod_ShowsTheOtherSessionsClaimsInTheBriefingWithAnHonestCount()
    {
        await using var server = await TestServer.StartAsync();
        var holder = (await server.SodAsync(server.Admin, "holder-agent")).GetProperty("session").GetProperty("id").GetString();
        using var granted = await server.Admin.PostAsync("/v1/claims", TestServer.Json($$"""{"session_id":"{{holder}}","files":["src/Claims/**"]}"""));

        var mine = await server.SodAsync(server.Admin, "reader-agent");
        var own = await server.SodAsync(server.Admin, "holder-agent");

        var briefing = mine.GetProperty("briefing").GetString()!;
        Assert.Contains("## Claims in this repo (1)", briefing, StringComparison.Ordinal);
        Assert.Contains("**holder-agent** · exclusive · src/Claims/** ·", briefing, StringComparison.Ordinal);
        // The holder's own briefing shows only the others' claims: none.
        Assert.Contains("No other session holds a claim in this repo.", own.GetProperty("briefing").GetString()!, StringComparison.Ordinal);
    }
}
