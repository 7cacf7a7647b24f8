using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;

namespace Baton.Client.Tests.Contract;

/// <summary>
/// Fields shown in briefings and terminals refuse what would run there or read differently from how it is stored —
/// control characters and bidi overrides/isolates (docs/architecture.md §6) — with a 400 naming the field, in both modes.
/// </summary>
public abstract partial class ServiceContractTests
{
    private const string RightToLeftOverride = "\u202E";
    private const string TerminalTitle = "\u001b]0;pwned\u0007";

    [Theory]
    [InlineData("agent")]
    [InlineData("repo")]
    [InlineData("track")]
    [InlineData("branch")]
    [InlineData("host")]
    [InlineData("cli")]
    public async Task Sod_BidiOverrideInASessionField_Is400NamingTheField(string field)
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var request = Sod(Some.Agent());
        var evil = "x" + RightToLeftOverride + "gpj.exe";
        request = field switch
        {
            "agent" => request with { Agent = evil },
            "repo" => request with { Repo = "example-org/alpha-console" + RightToLeftOverride },
            "track" => request with { Track = evil },
            "branch" => request with { Branch = evil },
            "host" => request with { Host = evil },
            _ => request with { Cli = evil },
        };

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.SodAsync(request, _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal([field], error.Errors!.Keys);
    }

    [Fact]
    public async Task Update_BidiIsolateInBranch_Is400NamingBranch()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.UpdateAsync(sod.Session.Id, new UpdateSessionRequest(Branch: "main\u2066x\u2069"), _ct));

        Assert.Equal(400, error.Status);
        Assert.Equal(["branch"], error.Errors!.Keys);
    }

    [Theory]
    [InlineData("summary")]
    [InlineData("accomplished")]
    [InlineData("in_progress")]
    [InlineData("blocked")]
    [InlineData("next_steps")]
    [InlineData("success_criteria")]
    public async Task CreateHandoff_ControlOrBidiCharacterInSummaryOrAListEntry_Is400NamingTheField(string field)
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        // Summaries already refused control characters; the bidi override is what was missing. List entries refused neither.
        string[] entries = ["fine", "ran " + TerminalTitle + " then " + RightToLeftOverride + "txt.exe"];
        var request = new CreateHandoffRequest("alpha", "example-org/alpha-console", Some.Agent(), "Summary", HandoffStatus.Done);
        request = field switch
        {
            "summary" => request with { Summary = "Looks done " + RightToLeftOverride + "enod ton" },
            "accomplished" => request with { Accomplished = entries },
            "in_progress" => request with { InProgress = entries },
            "blocked" => request with { Blocked = entries },
            "next_steps" => request with { NextSteps = entries },
            _ => request with { SuccessCriteria = entries },
        };

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Handoffs.CreateHandoffAsync(request, _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal([field], error.Errors!.Keys);
    }

    [Fact]
    public async Task Eod_ListEntryWithATerminalEscape_Is400NamingTheList()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var sod = await services.Sessions.SodAsync(Sod(Some.Agent()), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Sessions.EodAsync(
            new EodRequest(sod.Session.Id, "Done", HandoffStatus.Done, NextSteps: ["print " + TerminalTitle]), _ct));

        Assert.Equal(400, error.Status);
        Assert.Equal(["next_steps"], error.Errors!.Keys);
    }

    [Fact]
    public async Task CreateHandoff_MultiLineListEntryWithTabs_IsStillAccepted()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);

        var receipt = await services.Handoffs.CreateHandoffAsync(new CreateHandoffRequest("alpha", "example-org/alpha-console", Some.Agent(),
            "Summary\r\nover two lines", HandoffStatus.Done, Accomplished: ["first line\n\tindented second"]), _ct);

        Assert.StartsWith("ho_", receipt.Id);
    }

    [Fact]
    public async Task CreateAndUpdateNote_BidiOverrideInTitle_Is400NamingTitle()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var note = await services.Notes.CreateNoteAsync(new CreateNoteRequest("alpha", Some.Text("Title"), "Content."), _ct);

        var create = await Assert.ThrowsAsync<BatonException>(() => services.Notes.CreateNoteAsync(
            new CreateNoteRequest("alpha", "Invoice " + RightToLeftOverride + "fdp.exe", "Content."), _ct));
        var update = await Assert.ThrowsAsync<BatonException>(() => services.Notes.UpdateNoteAsync(
            note.Id, new UpdateNoteRequest(Title: "x\u2067y"), _ct));

        Assert.Equal(400, create.Status);
        Assert.Equal(["title"], create.Errors!.Keys);
        Assert.Equal(400, update.Status);
        Assert.Equal(["title"], update.Errors!.Keys);
    }
}
