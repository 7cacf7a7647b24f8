using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Support.KnowledgeCalls;

namespace Baton.Server.Tests;

/// <summary>The doc audit and the doc requirements it checks, over a real server.</summary>
public sealed class DocAuditRoutesTests
{
    [Fact]
    public async Task Audit_OnFreshVenture_IsIncompleteListingTheDefaultRequirementsAsGenerable()
    {
        await using var server = await TestServer.StartAsync();

        var (status, audit) = await GetAsync(server.Admin, "/v1/docs/audit?venture=alpha");

        Assert.Equal(200, status);
        Assert.Equal("alpha", audit.GetProperty("venture").GetString());
        Assert.Equal("incomplete", audit.GetProperty("status").GetString());
        // alpha has has_api but not has_database: instructions and API doc, no schema doc.
        Assert.Equal(["alpha-api.md", "alpha-project-instructions.md"], Strings(audit.GetProperty("missing"), "name").Order(StringComparer.Ordinal));
        Assert.All(audit.GetProperty("missing").EnumerateArray(), m => Assert.True(m.GetProperty("can_generate").GetBoolean()));
        Assert.Equal(2, audit.GetProperty("required").GetInt32());
    }

    [Fact]
    public async Task Audit_GoesCompleteThenWarningWhenARequiredDocAgesPastItsStaleness()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(clock: clock);
        using (var created = await server.Admin.PostAsync("/v1/admin/doc-requirements", Body(new
               {
                   NamePattern = "{venture}-oncall.md", ScopeType = "venture", Venture = "alpha", StalenessDays = 7,
               })))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await PutDocOkAsync(server.Admin, "alpha", "alpha-project-instructions.md", "# Alpha");
        await PutDocOkAsync(server.Admin, "alpha", "alpha-api.md", "# API");
        var (_, missingOncall) = await GetAsync(server.Admin, "/v1/docs/audit?venture=alpha");
        await PutDocOkAsync(server.Admin, "alpha", "alpha-oncall.md", "# On call");

        var (_, complete) = await GetAsync(server.Admin, "/v1/docs/audit?venture=alpha");
        clock.Advance(TimeSpan.FromDays(8));
        var (_, warning) = await GetAsync(server.Admin, "/v1/docs/audit?venture=alpha");

        Assert.Equal("incomplete", missingOncall.GetProperty("status").GetString());
        Assert.Equal(["alpha-oncall.md"], Strings(missingOncall.GetProperty("missing"), "name"));
        Assert.False(missingOncall.GetProperty("missing")[0].GetProperty("can_generate").GetBoolean());
        Assert.Equal("complete", complete.GetProperty("status").GetString());
        Assert.Equal(3, complete.GetProperty("required").GetInt32());
        Assert.Equal("warning", warning.GetProperty("status").GetString());
        Assert.Empty(warning.GetProperty("missing").EnumerateArray());
        var stale = Assert.Single(warning.GetProperty("stale").EnumerateArray());
        Assert.Equal("alpha-oncall.md", stale.GetProperty("name").GetString());
        Assert.Equal(8, stale.GetProperty("age_days").GetInt32());
        Assert.Equal(7, stale.GetProperty("staleness_days").GetInt32());
    }

    [Fact]
    public async Task Audit_WithoutVenture_Is400NamingVenture_NotADocCalledAudit()
    {
        await using var server = await TestServer.StartAsync();

        var (status, problem) = await GetAsync(server.Admin, "/v1/docs/audit");

        Assert.Equal(400, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("venture", out _), problem.ToString());
    }

    [Fact]
    public async Task Audit_ForVentureTheKeyMayNotActFor_Is403_AndUnknownVentureIs404()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent", "beta");

        var (forbidden, _) = await GetAsync(server.Client(key), "/v1/docs/audit?venture=alpha");
        var (own, _) = await GetAsync(server.Client(key), "/v1/docs/audit?venture=beta");
        var (unknown, problem) = await GetAsync(server.Admin, "/v1/docs/audit?venture=gamma");

        Assert.Equal(403, forbidden);
        Assert.Equal(200, own);
        Assert.Equal(404, unknown);
        Assert.Equal("venture_not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Requirements_ListCreateReplaceDelete_Are200_201_200_200()
    {
        await using var server = await TestServer.StartAsync();

        var (listStatus, defaults) = await GetAsync(server.Admin, "/v1/admin/doc-requirements");
        using var created = await server.Admin.PostAsync("/v1/admin/doc-requirements", Body(new
        {
            NamePattern = "{venture}-runbook.md", ScopeType = "every_venture", Capability = "has_api", AutoGenerate = true,
            GenerationSources = new[] { "docs/process/*.md" },
        }));
        var requirement = await TestServer.ReadJsonAsync(created);
        var id = requirement.GetProperty("id").GetString();
        using var replaced = await server.Admin.PutAsync($"/v1/admin/doc-requirements/{id}", Body(new
        {
            NamePattern = "{venture}-runbook.md", ScopeType = "every_venture", StalenessDays = 30,
        }));
        var replacement = await TestServer.ReadJsonAsync(replaced);
        var (_, withNew) = await GetAsync(server.Admin, "/v1/admin/doc-requirements");
        using var deleted = await server.Admin.DeleteAsync($"/v1/admin/doc-requirements/{id}");
        var deletedBody = await TestServer.ReadJsonAsync(deleted);
        var (_, afterDelete) = await GetAsync(server.Admin, "/v1/admin/doc-requirements");
        using var deletedAgain = await server.Admin.DeleteAsync($"/v1/admin/doc-requirements/{id}");
        var again = await TestServer.ReadJsonAsync(deletedAgain);

        Assert.Equal(200, listStatus);
        Assert.Equal(3, defaults.GetProperty("total").GetInt32());
        Assert.Contains("{venture}-project-instructions.md", Strings(defaults.GetProperty("items"), "name_pattern"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("every_venture", requirement.GetProperty("scope_type").GetString());
        Assert.Equal(90, requirement.GetProperty("staleness_days").GetInt32());
        Assert.Equal(["docs/process/*.md"], requirement.GetProperty("generation_sources").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(id, replacement.GetProperty("id").GetString());
        Assert.Equal(30, replacement.GetProperty("staleness_days").GetInt32());
        Assert.Equal(JsonValueKind.Null, replacement.GetProperty("capability").ValueKind);
        Assert.Equal(4, withNew.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(id, deletedBody.GetProperty("id").GetString());
        Assert.Equal(3, afterDelete.GetProperty("total").GetInt32());
        Assert.DoesNotContain(id, Strings(afterDelete.GetProperty("items"), "id"));
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        Assert.Equal("requirement_not_found", again.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Requirements_CreateReplaceDelete_WithAgentKey_Are403AndChangeNothing()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        var agent = server.Client(key);
        var body = new { NamePattern = "{venture}-runbook.md", ScopeType = "every_venture" };

        using var create = await agent.PostAsync("/v1/admin/doc-requirements", Body(body));
        using var replace = await agent.PutAsync("/v1/admin/doc-requirements/req_project_instructions", Body(body));
        using var delete = await agent.DeleteAsync("/v1/admin/doc-requirements/req_project_instructions");
        var (_, list) = await GetAsync(server.Admin, "/v1/admin/doc-requirements");

        foreach (var response in new[] { create, replace, delete })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("forbidden", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
        }
        Assert.Equal(3, list.GetProperty("total").GetInt32());
        var instructions = list.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "req_project_instructions");
        Assert.Equal("{venture}-project-instructions.md", instructions.GetProperty("name_pattern").GetString());
    }

    [Theory]
    [InlineData("""{"name_pattern":"x-{venture}.md","scope_type":"sometimes"}""", "scope_type")]
    [InlineData("""{"scope_type":"global"}""", "name_pattern")]
    [InlineData("""{"name_pattern":"{venture}-x.md","scope_type":"venture"}""", "venture")]
    [InlineData("""{"name_pattern":"{venture}-x.md","scope_type":"every_venture","staleness_days":0}""", "staleness_days")]
    public async Task CreateRequirement_WithBadField_Is400NamingIt(string body, string field)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/admin/doc-requirements", TestServer.Json(body));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task ReplaceRequirement_ThatDoesNotExist_Is404()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PutAsync("/v1/admin/doc-requirements/req_nope", Body(new { NamePattern = "x.md", ScopeType = "global" }));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("requirement_not_found", problem.GetProperty("code").GetString());
    }
}
