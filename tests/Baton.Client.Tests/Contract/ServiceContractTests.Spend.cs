using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Sessions;
using Baton.Core.Spend;

namespace Baton.Client.Tests.Contract;

/// <summary>
/// Spend (issue 15, docs/architecture.md §15 Spend) answers the same in both modes: task results' usage summed exactly
/// per venture, agent and session, the period parsed alike, bad groupings and periods refused by field, and the next
/// SOD's briefing header showing what the session has spent.
/// </summary>
public abstract partial class ServiceContractTests
{
    /// <summary>One task for the agent, run and completed with this usage by the CLI session <paramref name="native"/>.</summary>
    private async Task CompleteWithUsageAsync(ServiceSet services, string agentId, UsageInput usage, string? native)
    {
        await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "spend-test", "Run"), _ct);
        var task = (await services.Agents.NextTaskAsync(agentId, new NextTaskRequest(25), _ct)).Task!;
        await services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);
        await services.Tasks.CompleteTaskAsync(task.Id, new CompleteTaskRequest(task.Epoch, Usage: usage, NativeSessionId: native), _ct);
    }

    [Fact]
    public async Task GetSpend_TaskResultsWithUsage_SumExactlyPerVentureAgentAndSessionAndShowInTheBriefingHeader()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var name = Some.Name("worker");
        var agent = (await services.Agents.RegisterAgentAsync(new RegisterAgentRequest(name, AgentCli.Claude, [new CapabilityInput("spend-test", 0.8)]), _ct)).Agent;
        var native = Guid.NewGuid().ToString();
        var sod = await services.Sessions.SodAsync(Sod(name) with { NativeSessionId = native, NativeCli = "claude" }, _ct);
        await CompleteWithUsageAsync(services, agent.Id, new UsageInput(12_000, 300, 0.1), native);
        await CompleteWithUsageAsync(services, agent.Id, new UsageInput(40, 5, 0.2), native);
        await CompleteWithUsageAsync(services, agent.Id, new UsageInput(1_000, 0, null), null);

        var byVenture = await services.Spend.GetSpendAsync(new SpendRequest(), _ct);
        var byAgent = await services.Spend.GetSpendAsync(new SpendRequest("alpha", "1d", "agent"), _ct);
        var bySession = await services.Spend.GetSpendAsync(new SpendRequest("alpha", By: "session"), _ct);
        var beta = await services.Spend.GetSpendAsync(new SpendRequest("beta"), _ct);
        var again = await services.Sessions.SodAsync(Sod(name), _ct);

        Assert.Equal(new SpendTotals(3, 2, 13_040, 305, 0.3m), byVenture.Totals);
        Assert.Equal((SpendGrouping.Venture, (string?)null, (DateTimeOffset?)null), (byVenture.By, byVenture.Venture, byVenture.Since));
        Assert.Equal(("alpha", 1L), (Assert.Single(byVenture.Groups).Key, byVenture.GroupCount));
        var agentGroup = Assert.Single(byAgent.Groups);
        Assert.Equal((agent.Id, name, 13_345L), (agentGroup.Key, agentGroup.Label, agentGroup.Totals.Tokens));
        Assert.Equal(TimeSpan.FromDays(1), byAgent.Until - byAgent.Since);
        Assert.Equal(new SpendTotals(2, 2, 12_040, 305, 0.3m), bySession.Groups.Single(g => g.Key == sod.Session.Id).Totals);
        Assert.Equal(1, bySession.Groups.Single(g => g.Key is null).Totals.Reports);
        Assert.Equal(SpendTotals.None, beta.Totals);
        Assert.Equal(sod.Session.Id, again.Session.Id);
        Assert.Contains($"agent: {name} · spent 12,345 tokens · $0.30\n", again.Briefing);
    }

    [Fact]
    public async Task GetSpend_ByVentureDay_GroupsEachVenturesDayWithTheDayAsLabelAlike()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = (await services.Agents.RegisterAgentAsync(new RegisterAgentRequest(Some.Name("worker"), AgentCli.Claude, [new CapabilityInput("spend-test", 0.8)]), _ct)).Agent;
        await CompleteWithUsageAsync(services, agent.Id, new UsageInput(10, 1, 0.1), null);
        await CompleteWithUsageAsync(services, agent.Id, new UsageInput(20, 2, 0.2), null);

        var report = await services.Spend.GetSpendAsync(new SpendRequest(Since: "7d", By: "venture_day"), _ct);

        Assert.Equal(SpendGrouping.VentureDay, report.By);
        var group = Assert.Single(report.Groups);
        Assert.Equal(("alpha", report.Until.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), (group.Key, group.Label));
        Assert.Equal(new SpendTotals(2, 2, 30, 3, 0.3m), group.Totals);
    }

    [Fact]
    public async Task GetSpend_BadGroupingOrPeriod_IsValidationFailedNamingTheField()
    {
        await using var services = await CreateServicesAsync();

        var by = await Assert.ThrowsAsync<BatonException>(() => services.Spend.GetSpendAsync(new SpendRequest(By: "week"), _ct));
        var since = await Assert.ThrowsAsync<BatonException>(() => services.Spend.GetSpendAsync(new SpendRequest(Since: "last tuesday"), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, by.Code);
        Assert.Contains("by", by.Errors!.Keys);
        Assert.Equal(ErrorCodes.ValidationFailed, since.Code);
        Assert.Contains("since", since.Errors!.Keys);
    }

    [Fact]
    public async Task CompleteTask_UsageBeyondItsBounds_IsValidationFailedNamingEachField()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var agent = (await services.Agents.RegisterAgentAsync(new RegisterAgentRequest(Some.Name("worker"), AgentCli.Claude, [new CapabilityInput("spend-test", 0.8)]), _ct)).Agent;
        await services.Tasks.CreateTaskAsync(new CreateTaskRequest("alpha", "spend-test", "Run"), _ct);
        var task = (await services.Agents.NextTaskAsync(agent.Id, new NextTaskRequest(25), _ct)).Task!;
        await services.Tasks.StartTaskAsync(task.Id, new LeaseRequest(task.Epoch), _ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Tasks.CompleteTaskAsync(task.Id,
            new CompleteTaskRequest(task.Epoch, Usage: new UsageInput(SpendRules.MaxTokensPerReport + 1, SpendRules.MaxTokensPerReport + 1, 1_000_001)), _ct));
        var spend = await services.Spend.GetSpendAsync(new SpendRequest(), _ct);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["usage.cost_usd", "usage.input_tokens", "usage.output_tokens"], error.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, spend.Totals.Reports);
    }

    [Fact]
    public async Task GetSpend_AnInteractiveSessionsTranscriptReports_CountsItsLatestAndShowsInTheBriefingHeader()
    {
        await using var services = await CreateServicesAsync();
        await SeedVenturesAsync(services);
        var name = Some.Name("dev");
        var sod = await services.Sessions.SodAsync(Sod(name), _ct);
        var native = Guid.NewGuid().ToString();
        var payload = new JsonObject { ["transcript_path"] = "/home/dev/.claude/projects/-work-alpha/x.jsonl" };
        var now = DateTimeOffset.UtcNow;
        // Each report is the session's whole usage so far: the latest counts, not the sum.
        var answer = await services.Activity.RecordEventsAsync(new RecordEventsRequest(
        [
            Hook("Stop", payload, now.AddSeconds(-20), sod.Session.Id, native) with { Usage = new HookUsage(1_000, 100, 50_000, 700) },
            Hook("PreToolUse", new JsonObject(), now.AddSeconds(-15), sod.Session.Id, native),
            Hook("Stop", payload, now.AddSeconds(-10), sod.Session.Id, native) with { Usage = new HookUsage(12_000, 345, 90_000, 800) },
        ]), _ct);

        var bySession = await services.Spend.GetSpendAsync(new SpendRequest("alpha", By: "session"), _ct);
        var events = await services.Activity.ListSessionEventsAsync(sod.Session.Id, new EventListRequest(), _ct);
        var again = await services.Sessions.SodAsync(Sod(name), _ct);

        Assert.Equal(3, answer.Stored);
        Assert.Equal(new SpendTotals(1, 0, 12_000, 345, 0m), bySession.Groups.Single(g => g.Key == sod.Session.Id).Totals);
        Assert.Equal(new HookUsage(12_000, 345, 90_000, 800), events.Items[0].Usage);
        // Tokens only: a transcript carries no cost, so the header names none.
        Assert.Contains($"agent: {name} · spent 12,345 tokens\n", again.Briefing);
    }

    [Fact]
    public async Task RecordEvents_UsageBeyondItsBounds_IsValidationFailedNamingEachCount()
    {
        await using var services = await CreateServicesAsync();

        var error = await Assert.ThrowsAsync<BatonException>(() => services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("Stop", new JsonObject(), DateTimeOffset.UtcNow) with { Usage = new HookUsage(-1, SpendRules.MaxTokensPerReport + 1, null, -2) }]), _ct));

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(["events[0].usage.cache_creation_tokens", "events[0].usage.input_tokens", "events[0].usage.output_tokens"],
            error.Errors!.Keys.Order(StringComparer.Ordinal));
    }
}
