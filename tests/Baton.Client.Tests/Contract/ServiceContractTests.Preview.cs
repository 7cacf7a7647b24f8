using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;

namespace Baton.Client.Tests.Contract;

/// <summary>
/// The briefing preview (the dashboard's "what will my agent see", issue 18) and the docs search answer the same in
/// both modes: the preview writes nothing and shows what a SOD right then shows, apart from the own session's lines;
/// the docs search finds docs by every word with an exact total.
/// </summary>
public abstract partial class ServiceContractTests
{
    /// <summary>The briefing below its header (everything from the first section on): what does not name the own session.</summary>
    private static string Sections(string briefing) => briefing[briefing.IndexOf("\n## ", StringComparison.Ordinal)..];

    [Fact]
    public async Task PreviewBriefing_BeforeSod_WritesNothingAndShowsTheSectionsSodThenShows()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();
        await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);
        await services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest("alpha", "alpha-console", Some.Agent(), "Shipped the pricing page.",
            HandoffStatus.Done, NextSteps: ["Announce it"]), _ct);
        await services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest("beta", "beta-web", Some.Agent(), "Alpha's login breaks on Safari.",
            HandoffStatus.Blocked, ToVenture: "alpha"), _ct);
        await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", "Pricing", "We charge per seat.", ["executive-summary"]), _ct);
        var before = await services.Sessions.ListSessionsAsync(new SessionListRequest("alpha"), _ct);

        var preview = await services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest("alpha", agent, "alpha-console"), _ct);
        var after = await services.Sessions.ListSessionsAsync(new SessionListRequest("alpha"), _ct);
        var sod = await services.Sessions.SodAsync(Sod(agent), _ct);

        Assert.Equal(before.Total, after.Total);
        Assert.Equal(("alpha", agent, "example-org/alpha-console", "main", 12_000), (preview.Venture, preview.Agent, preview.Repo, preview.Track, preview.BudgetChars));
        Assert.Contains("- session: none (preview: no session was created) · agent: " + agent, preview.Briefing);
        Assert.DoesNotContain(sod.Session.Id, preview.Briefing);
        Assert.Equal(Sections(sod.Briefing), Sections(preview.Briefing));
        Assert.Contains("Shipped the pricing page.", preview.Briefing);
        Assert.Contains("Alpha's login breaks on Safari.", preview.Briefing);
        Assert.Contains("## Other active sessions (1)", preview.Briefing);
    }

    [Fact]
    public async Task PreviewBriefing_TheTuplesActiveSession_IsNotAmongTheOthers()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = Some.Agent();
        var sod = await services.Sessions.SodAsync(Sod(agent), _ct);

        var preview = await services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest("alpha", agent, "alpha-console"), _ct);
        var small = await services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest("alpha", agent, "alpha-console", BudgetChars: 1_000), _ct);

        Assert.Equal(Sections(sod.Briefing), Sections(preview.Briefing));
        Assert.Contains("## Other active sessions (0)", preview.Briefing);
        Assert.Equal(1_000, small.BudgetChars);
        Assert.InRange(small.Briefing.Length, 1, 1_000);
    }

    [Fact]
    public async Task PreviewBriefing_NoVentureOrBadBudget_IsValidationFailedAndUnknownVentureIsNotFound()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var missing = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest(null), _ct));
        var budget = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest("alpha", BudgetChars: 10), _ct));
        var unknown = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.PreviewBriefingAsync(new BriefingPreviewRequest("nope"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, missing.Code);
        Assert.Contains("venture", missing.Message);
        Assert.Equal(ErrorCodes.ValidationFailed, budget.Code);
        Assert.Contains("budget_chars", budget.Message);
        Assert.Equal(ErrorCodes.VentureNotFound, unknown.Code);
    }

    [Fact]
    public async Task SearchDocs_EveryWord_FindsTheMatchingDocsWithAnExactTotalAndMarkedSnippets()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        await services.Docs.PutDocAsync("alpha", "deploy", new PutDocRequest("# Deploy\n\nRun the release script, then check the canary dashboard."), _ct);
        await services.Docs.PutDocAsync("global", "oncall", new PutDocRequest("# On call\n\nThe canary release pages whoever is on call."), _ct);
        await services.Docs.PutDocAsync("alpha", "style", new PutDocRequest("# Style\n\nTabs, not spaces."), _ct);
        await services.Docs.PutDocAsync("beta", "beta-release", new PutDocRequest("# Beta\n\nCanary release for beta."), _ct);

        var both = await services.Docs.SearchDocsAsync(new DocSearchRequest("canary RELEASE", "alpha"), _ct);
        var one = await services.Docs.SearchDocsAsync(new DocSearchRequest("canary release", "alpha", Limit: 1), _ct);
        var none = await services.Docs.SearchDocsAsync(new DocSearchRequest("kubernetes", "alpha"), _ct);
        var noWords = await Assert.ThrowsAsync<BatonException>(() => services.Docs.SearchDocsAsync(new DocSearchRequest(" "), _ct));

        Assert.Equal(2, both.Total);
        Assert.Equal(["alpha/deploy", "global/oncall"], both.Items.Select(h => $"{h.Doc.Scope}/{h.Doc.Name}").Order(StringComparer.Ordinal));
        Assert.Contains("**canary**", both.Items.Single(h => h.Doc.Name == "deploy").Snippet);
        Assert.Contains("**release**", both.Items.Single(h => h.Doc.Name == "deploy").Snippet);
        Assert.Equal((1, 2L), (one.Items.Count, one.Total));
        Assert.Equal(0, none.Total);
        Assert.Equal(ErrorCodes.ValidationFailed, noWords.Code);
    }
}
