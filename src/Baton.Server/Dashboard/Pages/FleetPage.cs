using System.Globalization;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Dispatch;
using Baton.Server.Dashboard.Svg;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// The fleet (issue 18): machines with the repos they have and the agents on them; agents with their status judged
/// on read (and why), pauses, load, and per capability the score dispatch would give it now — computed by the
/// dispatcher's own <see cref="DispatchRules.Card"/> from the agent's newest results — with a trend line of its
/// rolling success. Agents and machines are the fleet's: every key sees them, as through the API.
/// </summary>
internal static class FleetPage
{
    /// <summary>Agents and machines listed at most (one page of the services' lists); the count line says when there are more.</summary>
    public const int MaxListed = PageRequest.MaxLimit;

    public static readonly Panel Machines = new("machines", "Machines", [ChangeKinds.Machine, ChangeKinds.Agent], RenderMachinesAsync);

    public static readonly Panel Agents = new("agents", "Agents", [ChangeKinds.Agent, ChangeKinds.Machine, ChangeKinds.Task], RenderAgentsAsync);

    public static readonly IReadOnlyList<Panel> Panels = [Machines, Agents];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/fleet", async (HttpContext http, CancellationToken ct) =>
        {
            var context = DashboardContext.For(http);
            var sections = new List<Html>();
            foreach (var panel in Panels) sections.Add(await panel.RenderSectionAsync(context, ct));
            var body = Html.Join(sections);
            return new HtmlResult(DashboardLayout.Page(context, "Fleet", "/fleet", body));
        }).DashboardPage();

    private static TimeSpan OfflineAfter(DashboardContext context) =>
        context.Http.RequestServices.GetRequiredService<OrchestrationOptions>().OfflineAfter;

    private static async Task<Html> RenderMachinesAsync(DashboardContext context, CancellationToken ct)
    {
        var services = context.Services;
        var machines = await services.Machines.ListMachinesAsync(new MachineListRequest(MaxListed), ct);
        if (machines.Items.Count == 0) return Html.Of($"""<p class="empty">No machines registered. <code>baton fleet register</code> registers this one.</p>""");
        var contexts = await services.Agents.ListContextsAsync(null, null, ct);
        var agents = await services.Agents.ListAgentsAsync(new AgentListRequest(Limit: MaxListed), ct);
        var offlineAfter = OfflineAfter(context);

        var rows = machines.Items.Select(m =>
        {
            var repos = contexts.Items.Where(c => c.MachineId == m.Id).OrderBy(c => c.Repo, StringComparer.Ordinal).ToList();
            var onIt = agents.Items.Where(a => a.MachineId == m.Id).ToList();
            // A machine has no status of its own, and nothing heartbeats it on a schedule (workers heartbeat their
            // agents): it is online while it was seen within the agents' offline threshold or an agent on it is not offline.
            var status = context.Now - m.LastSeenAt < offlineAfter || onIt.Any(a => a.Status != AgentStatus.Offline) ? "online" : "offline";
            var repoCell = repos.Count == 0
                ? Html.Of($"""<span class="none">none</span>""")
                : Html.Of($"""<ul class="repos">{Html.Join(repos.Select(r => Html.Of($"""<li><span class="repo">{r.Repo}</span> <span class="path">{r.LocalPath}</span></li>"""))) }</ul>""");
            var agentCell = onIt.Count == 0
                ? Html.Of($"""<span class="none">none</span>""")
                : Html.Join(Html.Trusted(", "), onIt.Select(a => Html.Of($"""<span class="agent-name">{a.Name}</span>""")));
            return Html.Of($"""
                <tr data-id="{m.Id}">
                <th scope="row"><span class="machine-name">{m.Hostname}</span><br><code class="id">{m.Id}</code></th>
                <td>{DashboardText.Status(status)}</td>
                <td>{DashboardText.Time(m.LastSeenAt, context.Now)}</td>
                <td>{repoCell}</td>
                <td>{agentCell}</td>
                </tr>
                """);
        });
        return Html.Of($"""
            {DashboardText.CountLine(Count.Slice(machines.Items.Count, machines.Total), "machine", "machines")}
            <table class="machines">
            <thead><tr><th scope="col">Machine</th><th scope="col">Status</th><th scope="col">Last seen</th><th scope="col">Repos</th><th scope="col">Agents</th></tr></thead>
            <tbody>
            {Html.Join(rows)}
            </tbody>
            </table>
            """);
    }

    private static async Task<Html> RenderAgentsAsync(DashboardContext context, CancellationToken ct)
    {
        var services = context.Services;
        var agents = await services.Agents.ListAgentsAsync(new AgentListRequest(Limit: MaxListed), ct);
        if (agents.Items.Count == 0) return Html.Of($"""<p class="empty">No agents registered. <code>baton agents register</code> adds one.</p>""");
        var machines = await services.Machines.ListMachinesAsync(new MachineListRequest(MaxListed), ct);
        var hostnames = machines.Items.ToDictionary(m => m.Id, m => m.Hostname, StringComparer.Ordinal);
        // One read for every agent shown: the newest results per capability, enough for the score and its trend.
        var histories = (await services.Agents.ListResultHistoryAsync(
                new ResultHistoryRequest([.. agents.Items.Select(a => a.Id)], ResultHistoryRequest.DefaultPerCapability), ct)).Items
            .ToDictionary(h => (h.AgentId, h.Capability));

        var rows = agents.Items.Select(a =>
        {
            var machine = a.MachineId is null
                ? Html.Of($"""<span class="none">none</span>""")
                : hostnames.TryGetValue(a.MachineId, out var host) ? Html.Of($"""<span class="machine-name">{host}</span>""") : Html.Of($"""<code class="id">{a.MachineId}</code>""");
            var paused = a.Paused && a.PausedUntil is { } until
                ? Html.Of($"""<span class="paused">paused until {DashboardText.Time(until, context.Now)}</span>{(a.PauseReason is { } reason ? Html.Of($"""<br><span class="why">{reason}</span>""") : Html.Empty)}""")
                : Html.Of($"""<span class="none">no</span>""");
            var capabilities = Html.Join(a.Capabilities.Select(c =>
                Capability(a, c, histories.TryGetValue((a.Id, c.Name), out var h) ? h.Results : [])));
            return Html.Of($"""
                <tr data-id="{a.Id}">
                <th scope="row"><span class="agent-name">{a.Name}</span><br><code class="id">{a.Id}</code></th>
                <td>{machine}</td>
                <td>{CliWord(a.Cli)}</td>
                <td>{DashboardText.Status(StatusWord(a.Status))}{Why(a, context.Now)}</td>
                <td>{paused}</td>
                <td class="num"><span class="load">{a.Running} / {a.MaxConcurrency}</span></td>
                <td><ul class="capabilities">{capabilities}</ul></td>
                </tr>
                """);
        });
        return Html.Of($"""
            {DashboardText.CountLine(Count.Slice(agents.Items.Count, agents.Total), "agent", "agents")}
            <table class="agents">
            <thead><tr><th scope="col">Agent</th><th scope="col">Machine</th><th scope="col">CLI</th><th scope="col">Status</th><th scope="col">Paused</th><th scope="col">Running / max</th><th scope="col">Capabilities: weight, score now, rolling success</th></tr></thead>
            <tbody>
            {Html.Join(rows)}
            </tbody>
            </table>
            """);
    }

    /// <summary>
    /// One capability: weight, preferred, the score dispatch would compute now (its own card, so the formula is the
    /// dispatcher's) and a trend line of the rolling success after each of the newest results.
    /// </summary>
    private static Html Capability(AgentInfo agent, AgentCapability capability, IReadOnlyList<ResultSample> newestFirst)
    {
        var card = CardOf(agent, capability, newestFirst);
        var trend = Trend(newestFirst);
        var sparkline = trend.Count == 0
            ? Html.Of($"""<span class="none">no results yet</span>""")
            : Sparkline.Render(trend, $"{capability.Name}: rolling success over the last {trend.Count} results, from {FleetFormat.Score(trend[0])} to {FleetFormat.Score(trend[^1])}");
        return Html.Of($"""
            <li data-capability="{capability.Name}">
            <span class="capability">{capability.Name}</span>
            <span class="weight" title="weight">w {FleetFormat.Score(capability.Weight)}</span>{(capability.Preferred ? Html.Of($""" <span class="preferred">preferred</span>""") : Html.Empty)}
            · score <span class="score" data-score="{card.Score.ToString("R", CultureInfo.InvariantCulture)}">{FleetFormat.Score(card.Score)}</span>
            <span class="factors">(rolling {FleetFormat.Score(card.RollingSuccess)} over {card.HistoryCount}, recency ×{FleetFormat.Score(card.RecencyBoost)}, health ×{FleetFormat.Score(card.DependencyHealth)})</span>
            {sparkline}
            </li>
            """);
    }

    /// <summary>The dispatcher's card for this agent and capability, as a pass would score it now (not excluded, so the score shows even when it is offline or paused).</summary>
    internal static ScoreCard CardOf(AgentInfo a, AgentCapability capability, IReadOnlyList<ResultSample> newestFirst)
    {
        var agent = new Agent(a.Id, a.Name, a.MachineId, a.Cli, a.Capabilities, a.HealthChecks, a.MaxConcurrency, a.RegisteredAt, a.UpdatedAt,
            a.LastHeartbeatAt, a.PausedUntil, a.PauseReason, a.RemovedAt, null);
        var facts = new CandidateFacts(agent, a.Status, a.Paused, a.Running, ProbeInFlight: false, HasRepo: true, a.Health, newestFirst);
        return DispatchRules.Card(facts, capability, excluded: null);
    }

    /// <summary>
    /// The rolling success (<see cref="Scoring.RollingSuccess"/>, the dispatcher's own) as it stood after each result,
    /// oldest first: point i is the score's rolling factor once the i-th oldest of these results was in.
    /// </summary>
    internal static IReadOnlyList<double> Trend(IReadOnlyList<ResultSample> newestFirst)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        var points = new List<double>(newestFirst.Count);
        for (var skip = newestFirst.Count - 1; skip >= 0; skip--)
            points.Add(Scoring.RollingSuccess([.. newestFirst.Skip(skip)]));
        return points;
    }

    /// <summary>Why an agent is not simply online: when it was last heard from, or which requirement is unhealthy.</summary>
    private static Html Why(AgentInfo a, DateTimeOffset now)
    {
        switch (a.Status)
        {
            case AgentStatus.Offline:
                return Html.Of($"""<br><span class="why">no heartbeat since {DashboardText.Time(a.LastHeartbeatAt, now)}</span>""");
            case AgentStatus.Degraded:
                var required = a.Capabilities.SelectMany(c => c.Requirements).ToHashSet(StringComparer.Ordinal);
                var unhealthy = a.Health.Where(h => !h.Healthy && required.Contains(h.Requirement)).Select(h =>
                    Html.Of($"""<span class="requirement">{h.Requirement}</span>{(h.Detail is { } d ? Html.Of($""": {d}""") : Html.Empty)} ({DashboardText.Time(h.CheckedAt, now)})"""));
                return Html.Of($"""<br><span class="why">unhealthy: {Html.Join(Html.Trusted("; "), unhealthy)}</span>""");
            default:
                return Html.Empty;
        }
    }

    private static string StatusWord(AgentStatus status) => status switch
    {
        AgentStatus.Online => "online",
        AgentStatus.Degraded => "degraded",
        _ => "offline",
    };

    private static string CliWord(AgentCli cli) => cli.ToString().ToLowerInvariant();
}
