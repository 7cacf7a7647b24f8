using Baton.Core.Knowledge;
using Baton.Core.Ventures;


namespace Baton.Core.Tests;

public class DocAuditTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly Venture Alpha = new("alpha", "Alpha", "org", ["alpha"], ["has_api"], null, null, false, []);

    private static DocRequirement Req(string id, string pattern, string? capability = null, RequirementScope scope = RequirementScope.EveryVenture, bool auto = true, string? venture = null) =>
        new(id, pattern, scope, venture, capability, 90, auto, auto ? ["readme"] : [], Now);

    private static DocSummary Doc(string scope, string name, int daysOld) => new(scope, name, name, 1, 10, Now.AddDays(-daysOld), null, false, "hash");

    [Fact]
    public void Run_AllPresentAndFresh_IsComplete()
    {
        var result = DocAudit.Run(Alpha, [Req("r1", "{venture}-project-instructions.md"), Req("r2", "{venture}-api.md", "has_api")],
            [Doc("alpha", "alpha-project-instructions.md", 3), Doc("alpha", "alpha-api.md", 89)], Now);

        Assert.Equal(AuditStatus.Complete, result.Status);
        Assert.Equal(2, result.Required);
    }

    [Fact]
    public void Run_SomethingStale_IsWarningWithAgeAndThreshold()
    {
        var result = DocAudit.Run(Alpha, [Req("r1", "{venture}-project-instructions.md")], [Doc("alpha", "alpha-project-instructions.md", 120)], Now);

        Assert.Equal(AuditStatus.Warning, result.Status);
        var stale = Assert.Single(result.Stale);
        Assert.Equal((120, 90), (stale.AgeDays, stale.StalenessDays));
    }

    [Fact]
    public void Run_SomethingMissing_IsIncompleteAndSaysWhetherItCanBeGenerated()
    {
        var result = DocAudit.Run(Alpha, [Req("r1", "{venture}-api.md", "has_api"), Req("r2", "runbook.md", scope: RequirementScope.Global, auto: false)], [], Now);

        Assert.Equal(AuditStatus.Incomplete, result.Status);
        Assert.Equal([("alpha", "alpha-api.md", true), ("global", "runbook.md", false)], result.Missing.Select(m => (m.Scope, m.Name, m.CanGenerate)));
    }

    [Fact]
    public void Run_CapabilityTheVentureLacksOrAnotherVenturesRequirement_DoesNotApply()
    {
        var result = DocAudit.Run(Alpha, [Req("r1", "{venture}-schema.md", "has_database"), Req("r2", "beta-only.md", scope: RequirementScope.Venture, venture: "beta")], [], Now);

        Assert.Equal(AuditStatus.Complete, result.Status);
        Assert.Equal(0, result.Required);
    }
}
