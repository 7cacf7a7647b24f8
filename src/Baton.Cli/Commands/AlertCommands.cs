using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Alerts;

namespace Baton.Cli.Commands;

/// <summary>
/// <c>baton alerts [--venture] [--all-branches]</c>, <c>baton alerts resolve &lt;id&gt; --reason</c>,
/// <c>baton cadence list|add|done</c> and <c>baton webhooks secret set</c> (admin) — issue 7.
/// </summary>
public static class AlertCommands
{
    public static IEnumerable<Command> Build(CliRuntime runtime)
    {
        yield return BuildAlerts(runtime);
        yield return BuildCadence(runtime);
        yield return BuildWebhooks(runtime);
    }

    private static Command BuildAlerts(CliRuntime runtime)
    {
        var venture = CommonOptions.Venture("Only this venture's alerts (a scoped key sees only its own).");
        var allBranches = new Option<bool>("--all-branches") { Description = "Include alerts on branches other than the repo's default branch." };
        var resolved = new Option<bool>("--resolved") { Description = "List resolved alerts instead of open ones." };
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("alerts", "Open CI alerts (default branch unless --all-branches), with exact totals; `alerts resolve` closes one by hand.");
        foreach (Option option in new Option[] { venture, allBranches, resolved, limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Alerts.ListAlertsAsync(new AlertListRequest(parse.GetValue(venture),
                parse.GetValue(resolved) ? AlertStatus.Resolved : AlertStatus.Open, null, parse.GetValue(allBranches),
                parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var listResolved = parse.GetValue(resolved);
            WriteAlerts(context.Out, page.Items, listResolved);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, listResolved ? "resolved alert" : "open alert", page.NextCursor));
            // Only an open list hides other branches' alerts; a resolved list would make the hint read as if they were resolved.
            if (!listResolved && page.OpenOnOtherBranches > 0 && !parse.GetValue(allBranches))
                context.Out.WriteLine($"{page.OpenOnOtherBranches} more open on branches other than the default (not shown): add --all-branches.");
            if (page.UnownedDeliveries > 0)
                context.Out.WriteLine(UnownedLine(page));
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(BuildResolve(runtime));
        return command;
    }

    /// <summary>Open alerts show how often and since when; resolved ones show when, by what and why.</summary>
    private static void WriteAlerts(TextWriter output, IReadOnlyList<Alert> alerts, bool resolved)
    {
        if (resolved)
        {
            var done = new TextTable("ID", "SEVERITY", "VENTURE", "REPO", "WORKFLOW", "SOURCE", "BRANCH", "RESOLVED", "BY", "REASON");
            foreach (var a in alerts)
                done.Add(a.Id, Text.Snake(a.Severity), a.Venture, a.Repo, Text.Shorten(a.Workflow, 30), a.Source, a.Branch, Text.When(a.ResolvedAt),
                    a.ResolvedBy, Text.Shorten(a.ResolutionReason, 40));
            done.WriteTo(output);
            return;
        }
        var open = new TextTable("ID", "SEVERITY", "VENTURE", "REPO", "WORKFLOW", "SOURCE", "BRANCH", "COUNT", "FIRST SEEN", "LAST SEEN");
        foreach (var a in alerts)
            open.Add(a.Id, Text.Snake(a.Severity), a.Venture, a.Repo, Text.Shorten(a.Workflow, 30), a.Source, a.Branch,
                a.Occurrences.ToString(System.Globalization.CultureInfo.InvariantCulture), Text.When(a.FirstSeen), Text.When(a.LastSeen));
        open.WriteTo(output);
    }

    private static string UnownedLine(AlertListResponse page)
    {
        var deliveries = page.UnownedDeliveries == 1 ? "1 webhook delivery" : $"{page.UnownedDeliveries} webhook deliveries";
        var repos = page.UnownedRepos.Count == 0 ? "" : $" ({string.Join(", ", page.UnownedRepos)})";
        return $"{deliveries} came for repos no venture owns{repos}: add each repo to its venture in ventures.json.";
    }

    private static Command BuildResolve(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The alert id (alert_…), as `baton alerts` shows it." };
        var reason = new Option<string>("--reason") { Description = "Why it is resolved (kept with the alert).", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("resolve", "Resolve an alert by hand, with a reason.");
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var alert = await context.Services.Alerts.ResolveAlertAsync(parse.GetValue(id)!, new ResolveAlertRequest(parse.GetValue(reason)), token);
            if (parse.GetValue(json)) Verb.WriteJson(context.Out, alert);
            else context.Out.WriteLine($"Resolved {alert.Id} ({alert.Repo} · {alert.Workflow} · {alert.Branch}) at {Text.When(alert.ResolvedAt)} by {alert.ResolvedBy}: {alert.ResolutionReason}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command BuildCadence(CliRuntime runtime)
    {
        var command = new Command("cadence", "Recurring duties: list (due and overdue judged now), add (admin), done.");

        var venture = CommonOptions.Venture("Only this venture's duties (plus global ones for the platform venture).");
        var json = CommonOptions.Json();
        var list = new Command("list", "List duties, soonest due first.");
        list.Options.Add(venture);
        list.Options.Add(json);
        list.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var items = await context.Services.Cadence.ListCadenceAsync(parse.GetValue(venture), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, items);
                return ExitCodes.Ok;
            }
            var table = new TextTable("ID", "SCOPE", "TITLE", "EVERY", "LAST DONE", "DUE", "STATUS");
            foreach (var c in items.Items)
                table.Add(c.Item.Id, c.Item.Scope, Text.Shorten(c.Item.Title, 40), $"{c.Item.IntervalDays} d", Text.When(c.Item.LastDoneAt), Text.When(c.DueAt), StatusText(c));
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(items.Items.Count, items.Total, "cadence item", null));
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(list);

        var scope = new Option<string>("--scope") { Description = "A venture code, or global (shown only to the platform venture).", Required = true };
        var title = new Option<string>("--title") { Description = "What has to be done.", Required = true };
        var every = new Option<int?>("--every-days") { Description = "Interval in days.", Required = true };
        var description = new Option<string>("--description") { Description = "How, or where the runbook is." };
        var addJson = CommonOptions.Json();
        var add = new Command("add", "Add a recurring duty (admin).");
        foreach (Option option in new Option[] { scope, title, every, description, addJson }) add.Options.Add(option);
        add.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var created = await context.Services.Cadence.CreateCadenceAsync(
                new CreateCadenceRequest(parse.GetValue(scope), parse.GetValue(title), parse.GetValue(every), parse.GetValue(description)), token);
            if (parse.GetValue(addJson)) Verb.WriteJson(context.Out, created);
            // A duty never done is due from the moment it exists (CadenceRules.DueAt): say so rather than print a date that is now.
            else context.Out.WriteLine($"Added {created.Item.Id} \"{created.Item.Title}\" ({created.Item.Scope}, every {created.Item.IntervalDays} d): " +
                $"due now, as it has never been done; `baton cadence done {created.Item.Id}` records it.");
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(add);

        var id = new Argument<string>("id") { Description = "The duty id (cad_…), as `baton cadence list` shows it." };
        var doneJson = CommonOptions.Json();
        var done = new Command("done", "Mark a duty done now.");
        done.Arguments.Add(id);
        done.Options.Add(doneJson);
        done.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var view = await context.Services.Cadence.MarkCadenceDoneAsync(parse.GetValue(id)!, token);
            if (parse.GetValue(doneJson)) Verb.WriteJson(context.Out, view);
            else context.Out.WriteLine($"Done: {view.Item.Title} ({view.Item.Id}); next due {Text.When(view.DueAt)}.");
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(done);
        return command;
    }

    private static string StatusText(CadenceView c) => c.Status switch
    {
        CadenceStatus.Overdue when c.Item.LastDoneAt is null => "overdue (never done)",
        CadenceStatus.Overdue => "overdue",
        CadenceStatus.DueSoon => "due within 7 d",
        _ => "not due",
    };

    private static Command BuildWebhooks(CliRuntime runtime)
    {
        var secretValue = new Option<string>("--secret") { Description = "The secret. Default: read from standard input (keeps it out of shell history)." };
        var set = new Command("set", "Store the GitHub webhook secret (admin). It is never printed back.");
        var json = CommonOptions.Json();
        set.Options.Add(secretValue);
        set.Options.Add(json);
        set.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var secret = parse.GetValue(secretValue) ?? await SecretFromStandardInputAsync(token);
            var answer = await context.Services.Alerts.SetWebhookSecretAsync(new SetWebhookSecretRequest(secret), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, answer);
                return ExitCodes.Ok;
            }
            context.Out.WriteLine(answer.Message);
            // The message can only say <server>; here the CLI knows which one, or that a server has yet to be run.
            context.Out.WriteLine(context.Settings.IsServerMode
                ? $"Payload URL for GitHub: {context.Settings.Url!.TrimEnd('/')}/v1/webhooks/github"
                : "Stored in the local data directory: GitHub delivers to a `baton serve` over it, at <its URL>/v1/webhooks/github.");
            return ExitCodes.Ok;
        }, ct));
        var secretCommand = new Command("secret", "The GitHub webhook secret.");
        secretCommand.Subcommands.Add(set);
        var command = new Command("webhooks", "GitHub webhooks: POST <server>/v1/webhooks/github, signed with the secret set here.");
        command.Subcommands.Add(secretCommand);
        return command;
    }

    /// <summary>The first line piped on standard input. A terminal is refused rather than waited on with no prompt.</summary>
    private static async Task<string> SecretFromStandardInputAsync(CancellationToken ct)
    {
        if (!Console.IsInputRedirected)
            throw new UsageException("No secret given: pipe it on standard input (`printf '%s' \"$SECRET\" | baton webhooks secret set`), or pass --secret (kept in shell history).");
        var line = (await Console.In.ReadLineAsync(ct))?.Trim();
        if (string.IsNullOrEmpty(line))
            throw new UsageException("Standard input was empty: pipe the webhook secret (at least 16 characters), or pass --secret.");
        return line;
    }
}
