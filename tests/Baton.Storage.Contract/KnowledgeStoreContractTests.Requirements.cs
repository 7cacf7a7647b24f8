using Baton.Core.Knowledge;


namespace Baton.Storage.Contract;

public abstract partial class KnowledgeStoreContractTests
{
    [Fact]
    public async Task ListDocRequirements_OnAFreshStore_HoldsTheDefaultSet()
    {
        var requirements = await Knowledge.ListDocRequirementsAsync(Ct);

        // Compared without CreatedAt (when the default set was written is the store's business) and list identity.
        var byId = requirements.ToDictionary(r => r.Id);
        Assert.Equal(["req_api", "req_project_instructions", "req_schema"], byId.Keys.Order());
        AssertRequirement(byId["req_project_instructions"], "{venture}-project-instructions.md", null,
            ["instructions", "readme", "manifests", "process_docs"]);
        AssertRequirement(byId["req_api"], "{venture}-api.md", "has_api", ["routes", "openapi", "http_tests"]);
        AssertRequirement(byId["req_schema"], "{venture}-schema.md", "has_database", ["migrations", "schema"]);

        static void AssertRequirement(DocRequirement actual, string pattern, string? capability, string[] sources)
        {
            Assert.Equal(pattern, actual.NamePattern);
            Assert.Equal(RequirementScope.EveryVenture, actual.ScopeType);
            Assert.Null(actual.Venture);
            Assert.Equal(capability, actual.Capability);
            Assert.Equal(90, actual.StalenessDays);
            Assert.True(actual.AutoGenerate);
            Assert.Equal(sources, actual.GenerationSources);
        }
    }

    [Fact]
    public async Task UpsertDocRequirement_WhenNew_IsFoundAndListedBesideTheDefaults()
    {
        var requirement = Some.DocRequirement(T0) with { ScopeType = RequirementScope.Venture, Venture = Some.VentureCode(), Capability = null };

        await Knowledge.UpsertDocRequirementAsync(requirement, Ct);

        AssertSameRequirement(requirement, await Knowledge.FindDocRequirementOrNullAsync(requirement.Id, Ct));
        var list = await Knowledge.ListDocRequirementsAsync(Ct);
        Assert.Equal(4, list.Count);
        AssertSameRequirement(requirement, list.Single(r => r.Id == requirement.Id));
    }

    [Fact]
    public async Task ListDocRequirements_OrdersByCreationTimeThenId()
    {
        var later = Some.DocRequirement(T0.AddDays(1), id: "req_a");
        var earlierB = Some.DocRequirement(T0, id: "req_c");
        var earlierA = Some.DocRequirement(T0, id: "req_b");
        foreach (var r in new[] { later, earlierB, earlierA }) await Knowledge.UpsertDocRequirementAsync(r, Ct);

        var ids = (await Knowledge.ListDocRequirementsAsync(Ct)).Select(r => r.Id).ToList();

        // Only the order among these three is asserted: when the defaults were created is the store's business.
        Assert.Equal(["req_b", "req_c", "req_a"], ids.Where(id => id is "req_a" or "req_b" or "req_c"));
    }

    [Fact]
    public async Task UpsertDocRequirement_WhenIdExists_ReplacesEveryField()
    {
        var replaced = new DocRequirement("req_api", "{venture}-http-api.md", RequirementScope.Global, null, null, 30, false,
            ["openapi"], T0);

        await Knowledge.UpsertDocRequirementAsync(replaced, Ct);

        AssertSameRequirement(replaced, await Knowledge.FindDocRequirementOrNullAsync("req_api", Ct));
        Assert.Equal(3, (await Knowledge.ListDocRequirementsAsync(Ct)).Count);
    }

    [Fact]
    public async Task DeleteDocRequirement_WhenItExists_RemovesItAndSaysSo()
    {
        var requirement = Some.DocRequirement(T0);
        await Knowledge.UpsertDocRequirementAsync(requirement, Ct);

        Assert.True(await Knowledge.DeleteDocRequirementAsync(requirement.Id, Ct));
        Assert.True(await Knowledge.DeleteDocRequirementAsync("req_schema", Ct));

        Assert.Null(await Knowledge.FindDocRequirementOrNullAsync(requirement.Id, Ct));
        Assert.Equal(["req_api", "req_project_instructions"], (await Knowledge.ListDocRequirementsAsync(Ct)).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task DeleteDocRequirement_WhenUnknown_ReturnsFalse()
    {
        Assert.False(await Knowledge.DeleteDocRequirementAsync(Some.Id("req"), Ct));
        Assert.Equal(3, (await Knowledge.ListDocRequirementsAsync(Ct)).Count);
    }

    [Fact]
    public async Task FindDocRequirementOrNull_WhenUnknown_ReturnsNull()
    {
        Assert.Null(await Knowledge.FindDocRequirementOrNullAsync(Some.Id("req"), Ct));
    }

    private static void AssertSameRequirement(DocRequirement expected, DocRequirement? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { GenerationSources = [] }, actual with { GenerationSources = [] });
        Assert.Equal(expected.GenerationSources, actual.GenerationSources);
    }
}
