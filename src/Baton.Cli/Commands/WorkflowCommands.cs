using System.CommandLine;
using System.Globalization;
using System.Text;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton projects start|list|show|advance|reject|diagram</c> (project workflows) and <c>baton sprint
/// plan|run|show|list</c> (sprints in waves): issue 17, docs/architecture.md §17.
/// </summary>
public static class WorkflowCommands
{
    private static readonly string[] StateNames = [.. WorkflowStateJsonConverter.Names];

    /// <summary>How often <c>sprint run</c> re-reads the sprint while following it.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    public static IEnumerable<Command> Build(CliRuntime runtime)
    {
        var projects = new Command("projects", "Project workflows: a piece of work from plan through review, build, QA and deploy to a validated, accepted change.");
        projects.Subcommands.Add(BuildStart(runtime));
        projects.Subcommands.Add(BuildList(runtime));
        projects.Subcommands.Add(BuildShow(runtime));
        projects.Subcommands.Add(BuildDecision(runtime, advance: true));
        projects.Subcommands.Add(BuildDecision(runtime, advance: false));
        projects.Subcommands.Add(BuildDiagram(runtime));

        var sprint = new Command("sprint", "Sprints: a venture's issues in waves of dependencies, each issue carried out as a workflow (or a code task).");
        sprint.Subcommands.Add(BuildPlan(runtime));
        sprint.Subcommands.Add(BuildRun(runtime));
        sprint.Subcommands.Add(BuildSprintShow(runtime));
        sprint.Subcommands.Add(BuildSprintList(runtime));
        return [projects, sprint];
    }

    private static Argument<string> WorkflowArgument() => new("id") { Description = "The workflow (wf_…), as `baton projects list` shows it." };

    // ---- projects start ----

    private static Command BuildStart(CliRuntime runtime)
    {
        var issue = new Option<string>("--issue") { Description = "The GitHub issue it works on: org/repo#42 (read with gh)." };
        var title = new Option<string>("--title") { Description = "Without --issue: what to do (a title)." };
        var body = new Option<string>("--body") { Description = "Without --issue: the description the plan is made from." };
        var venture = CommonOptions.Venture("Venture code. Default: the venture owning the issue's repo.");
        var repo = new Option<string>("--repo") { Description = "Without --issue: the repo (org/name) it works in." };
        var maxBounces = new Option<int?>("--max-bounces") { Description = "Returns to PLANNING allowed before it is FAILED (0–10; default the venture's, else 2)." };
        var gates = new Option<string[]>("--human-gate") { Description = "A gate where a passing step waits for a human: review, qa or validate (repeatable)." }
            .AcceptOnlyFromAmong("review", "qa", "validate");
        var json = CommonOptions.Json();
        var command = new Command("start", "Start a workflow from a GitHub issue (or a title and body); the engine plans it next.");
        foreach (Option option in new Option[] { issue, title, body, venture, repo, maxBounces, gates, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var issueText = parse.GetValue(issue);
            if (string.IsNullOrWhiteSpace(issueText) && string.IsNullOrWhiteSpace(parse.GetValue(title)))
                throw new UsageException("give --issue org/repo#42, or --title (and --body) for a workflow without an issue.");
            var ventureCode = parse.GetValue(venture);
            if (string.IsNullOrWhiteSpace(issueText) && string.IsNullOrWhiteSpace(ventureCode))
                ventureCode = await CliTargets.VentureAsync(null, await CliTargets.RepoAsync(parse.GetValue(repo), runtime, token), context.Services.Ventures, token);
            var given = parse.GetValue(gates);
            var request = new StartWorkflowRequest(issueText, ventureCode, parse.GetValue(title), parse.GetValue(body), parse.GetValue(repo),
                parse.GetValue(maxBounces), given is { Length: > 0 } ? given : null);
            var info = await context.Services.Workflows.StartWorkflowAsync(request, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, info);
                return ExitCodes.Ok;
            }
            var w = info.Workflow;
            context.Out.WriteLine($"Started {w.Id} for {w.Venture}: \"{w.Title}\"{(w.Issue is null ? "" : " from " + w.Issue)} — {WorkflowMachine.Name(w.State)}, branch {w.Branch}.");
            if (!context.Settings.IsServerMode)
                context.Out.WriteLine("Local mode: it waits in CREATE until `baton serve` runs on this data directory (the workflow engine lives there).");
            context.Out.WriteLine($"`baton projects show {w.Id}` follows it.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- projects list ----

    private static Command BuildList(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's workflows (a scoped key sees only its own).");
        var state = new Option<string>("--state") { Description = "Only workflows in this state: " + string.Join(", ", StateNames) + "." };
        var sprint = new Option<string>("--sprint") { Description = "Only the workflows of this sprint (spr_…)." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("list", "List workflows, newest first, with the exact total.");
        foreach (Option option in new Option[] { venture, state, sprint, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            WorkflowState? filter = null;
            if (parse.GetValue(state) is { Length: > 0 } s)
            {
                filter = WorkflowStateJsonConverter.ParseOrNull(s)
                         ?? throw new UsageException($"--state '{s}' is not one of: {string.Join(", ", StateNames)}.");
            }
            var page = await context.Services.Workflows.ListWorkflowsAsync(new WorkflowListRequest(parse.GetValue(venture), filter, parse.GetValue(sprint),
                parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "STATE", "VENTURE", "ISSUE", "TITLE", "BOUNCES", "STEP TASK", "UPDATED");
            foreach (var w in page.Items)
            {
                table.Add(w.Id, WorkflowMachine.Name(w.State) + (w.WaitingForHuman is null ? "" : " (waiting)"), w.Venture, w.Issue, Text.Shorten(w.Title, 40),
                    $"{w.Bounces}/{w.MaxBounces}", w.StepTaskId, Text.When(w.UpdatedAt));
            }
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "workflow", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- projects show ----

    private static Command BuildShow(CliRuntime runtime)
    {
        var id = WorkflowArgument();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one workflow: its state, bounces, branch and PR, the step's task, whether it waits for a human, its history and its GitHub effects.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var info = await context.Services.Workflows.GetWorkflowAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, info);
                return ExitCodes.Ok;
            }
            WriteWorkflow(context.Out, info);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>What <c>projects show</c> prints (and <c>advance</c>/<c>reject</c> after the change).</summary>
    public static void WriteWorkflow(TextWriter o, WorkflowInfo info)
    {
        var w = info.Workflow;
        o.WriteLine($"{w.Id} · {WorkflowMachine.Name(w.State)} · {w.Venture}{(w.Issue is null ? "" : " · " + w.Issue)}");
        o.WriteLine($"  title: {w.Title}");
        o.WriteLine($"  returns to planning: {w.Bounces} of {w.MaxBounces} · step {w.Step} · branch {w.Branch}" +
                    (w.HumanGates.Count == 0 ? "" : $" · human gates {string.Join(", ", w.HumanGates.Select(WorkflowMachine.Name))}"));
        if (w.PrUrl is not null) o.WriteLine($"  PR: {w.PrUrl}");
        if (info.Step is { } step)
        {
            o.WriteLine(step.TaskState == "not_created"
                ? $"  step task: {step.TaskId} (being created)"
                : $"  step task: {step.TaskId} · {step.Capability} · {step.TaskState}{(step.Agent is null ? "" : " · agent " + step.Agent)} · attempt {step.Attempt} of {step.MaxAttempts}");
        }
        if (w.WaitingForHuman is { } waiting) o.WriteLine($"  waiting for a human: {waiting}");
        if (w.Reason is { } reason) o.WriteLine($"  reason: {reason}");
        if (w.SprintId is not null) o.WriteLine($"  sprint: {w.SprintId}");
        o.WriteLine($"  created {Text.When(w.CreatedAt)} by {w.CreatedBy}{(w.FinishedAt is { } finished ? $" · finished {Text.When(finished)}" : "")}");
        o.WriteLine($"History ({info.Events.Count}):");
        var table = new TextTable("SEQ", "AT", "FROM", "TO", "TRIGGER", "ACTOR", "TASK", "REASON");
        foreach (var e in info.Events)
        {
            table.Add(e.Seq.ToString(CultureInfo.InvariantCulture), Text.When(e.At), e.From is { } from ? WorkflowMachine.Name(from) : "(new)", WorkflowMachine.Name(e.To),
                e.Trigger, e.Actor, e.TaskId, Text.Shorten(e.Reason, 60));
        }
        table.WriteTo(o);
        var pending = info.Effects.Where(e => e.DoneAt is null).ToList();
        var done = info.Effects.Count - pending.Count;
        o.WriteLine($"GitHub effects: {done} done, {pending.Count(e => e.LastError is null)} pending, {pending.Count(e => e.LastError is not null)} failing");
        foreach (var e in pending)
        {
            o.WriteLine($"  {Text.Snake(e.Kind)} on {e.Repo}{(e.Number is { } n ? "#" + n.ToString(CultureInfo.InvariantCulture) : "")}: " +
                        (e.LastError is null ? "pending" : $"failed {e.Attempts} time{(e.Attempts == 1 ? "" : "s")}: {Text.Shorten(e.LastError, 120)}"));
        }
    }

    // ---- projects advance | reject ----

    private static Command BuildDecision(CliRuntime runtime, bool advance)
    {
        var id = WorkflowArgument();
        var reason = new Option<string>("--reason")
        {
            Description = advance ? "Why (recorded in the history and on the issue)." : "Why (required): what the next plan must answer.",
            Required = !advance,
        };
        var json = CommonOptions.Json();
        var command = new Command(advance ? "advance" : "reject", advance
            ? "At a gate (REVIEW, QA, VALIDATE): move the workflow forward whatever the step said; its open step task is cancelled."
            : "At a gate (REVIEW, QA, VALIDATE): send the workflow back to PLANNING with the reason (one return too many is FAILED).");
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var request = new GateDecisionRequest(parse.GetValue(reason));
            var workflows = context.Services.Workflows;
            var info = advance
                ? await workflows.AdvanceWorkflowAsync(parse.GetValue(id)!, request, token)
                : await workflows.RejectWorkflowAsync(parse.GetValue(id)!, request, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, info);
                return ExitCodes.Ok;
            }
            var last = info.Events[^1];
            context.Out.WriteLine($"{(advance ? "Advanced" : "Rejected")} {info.Workflow.Id}: {(last.From is { } from ? WorkflowMachine.Name(from) : "?")} → {WorkflowMachine.Name(last.To)} ({last.Trigger}).");
            if (info.Workflow.State == WorkflowState.Failed) context.Out.WriteLine($"It is FAILED: {info.Workflow.Reason}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- projects diagram ----

    private static Command BuildDiagram(CliRuntime runtime)
    {
        var json = CommonOptions.Json();
        var command = new Command("diagram", "Print the workflow's transition table as a Mermaid state diagram.");
        command.Options.Add(json);
        command.SetAction((parse, ct) =>
        {
            // The table is compiled in: no store, no server.
            if (parse.GetValue(json)) Verb.WriteJson(runtime.Out, new WorkflowDiagramResult(WorkflowMachine.Mermaid(), WorkflowMachine.Transitions));
            else runtime.Out.Write(WorkflowMachine.Mermaid());
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    // ---- sprint plan | run ----

    private static Command BuildPlan(CliRuntime runtime)
    {
        var (venture, issues, label, repo) = SprintOptions();
        var json = CommonOptions.Json();
        var command = new Command("plan", "Read the issues with gh and show their waves (from \"depends on #N\" / \"blocked by #N\"); nothing is started.");
        foreach (Option option in new Option[] { venture, issues, label, repo, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var numbers = Numbers(parse.GetValue(issues));
            var plan = await context.Services.Sprints.PlanSprintAsync(new PlanSprintRequest(parse.GetValue(venture), numbers, parse.GetValue(label), parse.GetValue(repo)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, plan);
                return ExitCodes.Ok;
            }
            WritePlan(context.Out, plan);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void WritePlan(TextWriter o, SprintPlan plan)
    {
        var count = plan.Waves.Sum(w => w.Count);
        o.WriteLine($"Sprint plan for {plan.Venture} in {plan.Repo}: {count} issue{(count == 1 ? "" : "s")} in {plan.Waves.Count} wave{(plan.Waves.Count == 1 ? "" : "s")}");
        for (var i = 0; i < plan.Waves.Count; i++)
            o.WriteLine($"wave {i + 1}: {string.Join(", ", plan.Waves[i].Select(p => $"#{p.Number} {p.Title}"))}");
        if (plan.Outside.Count > 0) o.WriteLine($"outside dependencies (not waited for): {string.Join("; ", plan.Outside)}");
    }

    private static Command BuildRun(CliRuntime runtime)
    {
        var (venture, issues, label, repo) = SprintOptions();
        var mode = new Option<string>("--mode") { Description = "workflow (each issue a project workflow; default) or task (each issue one code task ending in a PR)." }
            .AcceptOnlyFromAmong("workflow", "task");
        var detach = new Option<bool>("--detach") { Description = "Start it and return; `baton sprint show <id>` follows it." };
        var json = CommonOptions.Json();
        var command = new Command("run", "Plan and start a sprint: each wave starts when the previous wave's PRs are merged or failed. Follows it until done unless --detach.");
        foreach (Option option in new Option[] { venture, issues, label, repo, mode, detach, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var numbers = Numbers(parse.GetValue(issues));
            var sprintMode = parse.GetValue(mode) == "task" ? SprintMode.Task : SprintMode.Workflow;
            var sprints = context.Services.Sprints;
            var info = await sprints.StartSprintAsync(new StartSprintRequest(parse.GetValue(venture), numbers, parse.GetValue(label), parse.GetValue(repo), sprintMode), token);
            var asJson = parse.GetValue(json);
            if (!asJson)
            {
                context.Out.WriteLine($"Started {info.Sprint.Id} for {info.Sprint.Venture} in {info.Sprint.Repo}: {info.Sprint.Items.Count} issues in {info.Sprint.WaveCount} waves ({Text.Snake(info.Sprint.Mode)} mode).");
                for (var wave = 0; wave < info.Sprint.WaveCount; wave++)
                    context.Out.WriteLine($"wave {wave + 1}: {string.Join(", ", info.Sprint.Items.Where(i => i.Wave == wave).Select(i => $"#{i.Issue} {i.Title}"))}");
            }
            // Local mode has no engine (it runs only in `baton serve`, docs/architecture.md §17): following would wait
            // forever, so the sprint is left stored and the verb says what moves it.
            var follow = !parse.GetValue(detach) && context.Settings.IsServerMode;
            if (!parse.GetValue(detach) && !context.Settings.IsServerMode && !asJson)
                context.Out.WriteLine("Local mode: the sprint is stored; it runs once `baton serve` runs on this data directory (the workflow engine lives there). Not following it.");
            if (follow)
            {
                var seen = Lines(info.Sprint);
                while (info.Sprint.State != SprintState.Done)
                {
                    await Task.Delay(FollowInterval, token);
                    info = await sprints.GetSprintAsync(info.Sprint.Id, token);
                    var now = Lines(info.Sprint);
                    if (!asJson)
                    {
                        foreach (var line in now.Where(l => !seen.Contains(l))) context.Out.WriteLine($"{Text.When(DateTimeOffset.UtcNow)} {line}");
                    }
                    seen = now;
                }
            }
            if (asJson)
            {
                Verb.WriteJson(context.Out, info);
                return ExitCodes.Ok;
            }
            if (!follow) context.Out.WriteLine($"`baton sprint show {info.Sprint.Id}` follows it.");
            else WriteReport(context.Out, info);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>A line per item state and one for the wave: what changes between two reads is what <c>sprint run</c> prints.</summary>
    private static HashSet<string> Lines(Sprint sprint)
    {
        var lines = new HashSet<string>(StringComparer.Ordinal)
        {
            sprint.State == SprintState.Done ? "sprint done" : $"wave {sprint.CurrentWave + 1} of {sprint.WaveCount} running",
        };
        foreach (var i in sprint.Items)
        {
            lines.Add($"#{i.Issue} {Text.Snake(i.State)}{(i.Runs.Count == 0 ? "" : " (" + i.Runs[^1] + (i.Runs.Count > 1 ? ", retry" : "") + ")")}" +
                      (i.PrUrl is null ? "" : " " + i.PrUrl) + (i.Reason is null ? "" : ": " + i.Reason));
        }
        return lines;
    }

    private static (Option<string> Venture, Option<string> Issues, Option<string> Label, Option<string> Repo) SprintOptions() =>
    (
        new Option<string>("--venture") { Description = "Venture code.", Required = true },
        new Option<string>("--issues") { Description = "The issues by number: 12,13,14." },
        new Option<string>("--label") { Description = "Instead of --issues: every open issue with this label." },
        new Option<string>("--repo") { Description = "The repo (org/name) the issues are in. Default: the venture's first repo." }
    );

    private static List<int>? Numbers(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var numbers = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new UsageException($"--issues '{text}' must be issue numbers separated by commas, e.g. 12,13,14 ('{part}' is not one).");
            numbers.Add(n);
        }
        return numbers;
    }

    // ---- sprint show | list ----

    private static Command BuildSprintShow(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The sprint (spr_…), as `baton sprint list` shows it." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a sprint: each issue's wave, state, runs and PR, and the report (merged, failed, retried, time, spend).");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var info = await context.Services.Sprints.GetSprintAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, info);
                return ExitCodes.Ok;
            }
            var s = info.Sprint;
            context.Out.WriteLine($"{s.Id} · {Text.Snake(s.State)} · {s.Venture} · {s.Repo} · {Text.Snake(s.Mode)} mode · " +
                                  (s.State == SprintState.Done ? $"{s.WaveCount} waves done" : $"wave {s.CurrentWave + 1} of {s.WaveCount}"));
            var table = new TextTable("WAVE", "ISSUE", "TITLE", "STATE", "RUNS", "PR", "REASON");
            foreach (var i in s.Items.OrderBy(i => i.Wave).ThenBy(i => i.Issue))
            {
                table.Add((i.Wave + 1).ToString(CultureInfo.InvariantCulture), "#" + i.Issue.ToString(CultureInfo.InvariantCulture), Text.Shorten(i.Title, 40),
                    Text.Snake(i.State), string.Join(", ", i.Runs), i.PrUrl, Text.Shorten(i.Reason, 60));
            }
            table.WriteTo(context.Out);
            WriteReport(context.Out, info);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static void WriteReport(TextWriter o, SprintInfo info)
    {
        var r = info.Report;
        var elapsed = TimeSpan.FromSeconds(r.ElapsedSeconds);
        var sb = new StringBuilder();
        sb.Append($"Report: {r.Items} issues · {r.Merged} merged · {r.Failed} failed · {r.Retried} retried · {r.Running} running · {r.Pending} pending");
        sb.Append($" · {(int)elapsed.TotalHours}h{elapsed.Minutes:00}m{elapsed.Seconds:00}s");
        sb.Append($" · spend ${r.SpendUsd.ToString("0.00##", CultureInfo.InvariantCulture)} over {r.TasksCounted} task{(r.TasksCounted == 1 ? "" : "s")}");
        o.WriteLine(sb.ToString());
    }

    private static Command BuildSprintList(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's sprints (a scoped key sees only its own).");
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("list", "List sprints, newest first, with the exact total.");
        foreach (Option option in new Option[] { venture, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Sprints.ListSprintsAsync(new SprintListRequest(parse.GetValue(venture), parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "STATE", "VENTURE", "REPO", "MODE", "WAVE", "ITEMS", "MERGED", "FAILED", "CREATED");
            foreach (var s in page.Items)
            {
                table.Add(s.Id, Text.Snake(s.State), s.Venture, s.Repo, Text.Snake(s.Mode),
                    s.State == SprintState.Done ? $"{s.WaveCount}/{s.WaveCount}" : $"{s.CurrentWave + 1}/{s.WaveCount}",
                    s.Items.Count.ToString(CultureInfo.InvariantCulture),
                    s.Items.Count(i => i.State == SprintItemState.Merged).ToString(CultureInfo.InvariantCulture),
                    s.Items.Count(i => i.State == SprintItemState.Failed).ToString(CultureInfo.InvariantCulture), Text.When(s.CreatedAt));
            }
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "sprint", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}

/// <summary><c>baton projects diagram --json</c>: the Mermaid text and the table's rows it is drawn from.</summary>
public sealed record WorkflowDiagramResult(string Mermaid, IReadOnlyList<WorkflowTransition> Transitions);
