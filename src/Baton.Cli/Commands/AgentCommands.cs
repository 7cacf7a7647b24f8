using System.CommandLine;
using System.Globalization;
using Baton.Cli.Orchestration;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton agents register|list|show|pause|resume|remove</c>: the orchestrator's agent registry (issue 14,
/// docs/architecture.md §14). An agent is named by its id (<c>agent_…</c>) or its name wherever one is asked for.
/// </summary>
public static class AgentCommands
{
    public static Command Build(CliRuntime runtime)
    {
        var agents = new Command("agents", "The agents the orchestrator gives tasks to: register one (or update it), list, show, pause, resume, remove.");
        agents.Subcommands.Add(BuildRegister(runtime));
        agents.Subcommands.Add(BuildList(runtime));
        agents.Subcommands.Add(BuildShow(runtime));
        agents.Subcommands.Add(BuildPause(runtime));
        agents.Subcommands.Add(BuildResume(runtime));
        agents.Subcommands.Add(BuildRemove(runtime));
        return agents;
    }

    private static Argument<string> AgentArgument() => new("agent") { Description = "The agent: its id (agent_…) or its name, as `baton agents list` shows them." };

    // ---- register ----

    private static Command BuildRegister(CliRuntime runtime)
    {
        var name = new Argument<string>("name") { Description = "The agent's name (letters, digits, '.', '_', '-'): its identity; registering it again updates it." };
        var cli = new Option<string>("--cli") { Description = "The agent CLI it runs: claude, gemini, codex or custom.", Required = true }
            .AcceptOnlyFromAmong("claude", "gemini", "codex", "custom");
        var capability = new Option<string[]>("--capability")
        {
            Description = "What it can do and how well: name=weight (0–1), with requirements after ':' (repeatable), e.g. deploy-service=0.9:argocd-healthy.",
            Required = true,
        };
        var preferred = new Option<string[]>("--preferred") { Description = "A capability it is preferred for (×1.05 in the score; repeatable)." };
        var healthCheck = new Option<string[]>("--health-check")
        {
            Description = "How a requirement is checked: requirement=URL (the server probes it, 2xx within 3 s) or requirement=command (the worker runs it). Repeatable.",
        };
        var machine = new Option<string>("--machine") { Description = "The machine it runs on (mach_…, from `baton fleet list`); tasks with a repo go only to machines with a clone." };
        var maxConcurrency = new Option<int?>("--max-concurrency") { Description = "Tasks it may hold at once (1–100, default 1)." };
        var json = CommonOptions.Json();
        var command = new Command("register", "Register an agent, or update the one with this name (keeping its id and history). Counts as a heartbeat.");
        command.Arguments.Add(name);
        foreach (Option option in new Option[] { cli, capability, preferred, healthCheck, machine, maxConcurrency, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var problems = new List<string>();
            var capabilities = OrchestrationArguments.Capabilities(parse.GetValue(capability) ?? [], parse.GetValue(preferred) ?? [], problems);
            var checks = OrchestrationArguments.HealthChecks(parse.GetValue(healthCheck) ?? [], problems);
            ThrowIfAny(problems);
            var request = new RegisterAgentRequest(parse.GetValue(name), Enum.Parse<AgentCli>(parse.GetValue(cli)!, ignoreCase: true), capabilities,
                parse.GetValue(machine), checks, parse.GetValue(maxConcurrency));
            var registration = await context.Services.Agents.RegisterAgentAsync(request, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, registration);
                return ExitCodes.Ok;
            }
            var a = registration.Agent;
            context.Out.WriteLine($"Agent {a.Id} {(registration.Created ? "registered" : "updated")}: {a.Name} ({Text.Snake(a.Cli)}), " +
                                  $"{Capabilities(a)}, up to {a.MaxConcurrency} at once{(a.MachineId is null ? ", on no machine (gets only tasks without a repo)" : $", on {a.MachineId}")}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- list ----

    private static Command BuildList(CliRuntime runtime)
    {
        var removed = new Option<bool>("--removed") { Description = "Include deregistered agents." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the agents with their status (online, degraded, offline — judged now), load and capabilities, and the exact total.");
        foreach (Option option in new Option[] { removed, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Agents.ListAgentsAsync(new AgentListRequest(parse.GetValue(removed), parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "NAME", "CLI", "STATUS", "LOAD", "CAPABILITIES", "MACHINE", "LAST SEEN");
            foreach (var a in page.Items)
            {
                table.Add(a.Id, a.Name, Text.Snake(a.Cli), StatusText(a), $"{a.Running}/{a.MaxConcurrency}", Capabilities(a), a.MachineId, Text.When(a.LastHeartbeatAt));
            }
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "agent", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- show ----

    private static Command BuildShow(CliRuntime runtime)
    {
        var agent = AgentArgument();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one agent: status, pause, load, capabilities with their requirements, health checks and their latest results.");
        command.Arguments.Add(agent);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var a = await context.Services.Agents.GetAgentAsync(parse.GetValue(agent)!, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, a);
                return ExitCodes.Ok;
            }
            WriteAgent(context.Out, a);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void WriteAgent(TextWriter output, AgentInfo a)
    {
        output.WriteLine($"{a.Name} ({a.Id}) · {Text.Snake(a.Cli)} · {StatusText(a)}");
        output.WriteLine($"  machine: {a.MachineId ?? "none (gets only tasks without a repo)"}");
        output.WriteLine($"  load: {a.Running} of {a.MaxConcurrency} (assigned or running)");
        output.WriteLine($"  last seen: {Text.When(a.LastHeartbeatAt)} · registered {Text.When(a.RegisteredAt)}");
        if (a.PausedUntil is { } until && a.Paused) output.WriteLine($"  paused until {Text.When(until)}{(a.PauseReason is null ? "" : ": " + a.PauseReason)}");
        if (a.RemovedAt is { } removed) output.WriteLine($"  deregistered {Text.When(removed)} (registering the name again revives it)");
        output.WriteLine("  capabilities:");
        foreach (var c in a.Capabilities)
        {
            output.WriteLine($"    - {c.Name}: weight {c.Weight.ToString("0.###", CultureInfo.InvariantCulture)}{(c.Preferred ? ", preferred" : "")}" +
                             (c.Requirements.Count == 0 ? "" : $", requires {string.Join(", ", c.Requirements)}"));
        }
        if (a.HealthChecks.Count > 0)
        {
            output.WriteLine("  health checks:");
            foreach (var check in a.HealthChecks)
            {
                var result = a.Health.FirstOrDefault(h => h.Requirement == check.Requirement);
                var state = result is null ? "not checked yet" : $"{(result.Healthy ? "healthy" : "UNHEALTHY")} at {Text.When(result.CheckedAt)}{(result.Detail is null ? "" : ": " + result.Detail)}";
                output.WriteLine($"    - {check.Requirement}: {(check.Url is not null ? "probe " + check.Url : "worker runs `" + check.Command + "`")} — {state}");
            }
        }
    }

    // ---- pause / resume / remove ----

    private static Command BuildPause(CliRuntime runtime)
    {
        var agent = AgentArgument();
        var until = new Option<string>("--until") { Description = "Until when: a duration from now (30m, 2h, 1d) or a timestamp (2026-05-01T09:00:00Z).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (shown beside the pause), e.g. rate limited." };
        var json = CommonOptions.Json();
        var command = new Command("pause", "Give the agent no new tasks until a time (what it holds stays with it). `baton agents resume` ends it early.");
        command.Arguments.Add(agent);
        foreach (Option option in new Option[] { until, reason, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var problems = new List<string>();
            var at = OrchestrationArguments.Time("--until", parse.GetValue(until), DateTimeOffset.UtcNow, problems);
            ThrowIfAny(problems);
            var id = await IdOfAsync(context.Services.Agents, parse.GetValue(agent)!, token);
            var a = await context.Services.Agents.PauseAgentAsync(id, new PauseAgentRequest(at, parse.GetValue(reason)), token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, a);
            else context.Out.WriteLine($"Paused {a.Name} ({a.Id}) until {Text.When(a.PausedUntil)}{(a.PauseReason is null ? "" : ": " + a.PauseReason)}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildResume(CliRuntime runtime)
    {
        var agent = AgentArgument();
        var json = CommonOptions.Json();
        var command = new Command("resume", "End an agent's pause now: it is given tasks again.");
        command.Arguments.Add(agent);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var id = await IdOfAsync(context.Services.Agents, parse.GetValue(agent)!, token);
            var a = await context.Services.Agents.ResumeAgentAsync(id, token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, a);
            else context.Out.WriteLine($"Resumed {a.Name} ({a.Id}): {StatusText(a)}.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildRemove(CliRuntime runtime)
    {
        var agent = AgentArgument();
        var json = CommonOptions.Json();
        var command = new Command("remove", "Deregister an agent (admin): its assigned, not started tasks go back to the queue; its history and score cards stay.");
        command.Arguments.Add(agent);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var id = await IdOfAsync(context.Services.Agents, parse.GetValue(agent)!, token);
            var a = await context.Services.Agents.RemoveAgentAsync(id, token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, a);
            else context.Out.WriteLine($"Deregistered {a.Name} ({a.Id}); registering the name again revives it with its history.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>The lease and pause calls take an id; a person may type the name.</summary>
    public static async Task<string> IdOfAsync(IAgentService agents, string idOrName, CancellationToken ct) =>
        IdGenerator.IsId(idOrName, IdGenerator.Agent) ? idOrName : (await agents.GetAgentAsync(idOrName, ct)).Id;

    private static string StatusText(AgentInfo a) =>
        a.RemovedAt is not null ? "removed" : Text.Snake(a.Status) + (a.Paused ? $", paused until {Text.When(a.PausedUntil)}" : "");

    private static string Capabilities(AgentInfo a) =>
        string.Join(", ", a.Capabilities.Select(c => $"{c.Name} {c.Weight.ToString("0.###", CultureInfo.InvariantCulture)}{(c.Preferred ? "*" : "")}"));

    /// <summary>Every mistake in the command line's own spellings at once, one line each (exit 2).</summary>
    internal static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0) throw new UsageException(string.Join("\nbaton: ", problems));
    }
}
