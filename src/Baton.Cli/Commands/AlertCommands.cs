using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Domain;
using Baton.Core.Services;

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
            var table = new TextTable("ID", "SEVERITY", "VENTURE", "REPO", "WORKFLOW", "BRANCH", "COUNT", "FIRST SEEN", "LAST SEEN");
            foreach (var a in page.Items)
                table.Add(a.Id, Text.Snake(a.Severity), a.Venture, a.Repo, Text.Shorten(a.Workflow, 30), a.Branch, a.Occurrences.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Text.When(a.FirstSeen), Text.When(a.LastSeen));
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "alert", page.NextCursor));
            if (page.OpenOnOtherBranches > 0 && !parse.GetValue(allBranches))
                context.Out.WriteLine($"{page.OpenOnOtherBranches} more open on other branches: add --all-branches.");
            if (page.UnownedDeliveries > 0)
                context.Out.WriteLine($"{page.UnownedDeliveries} webhook deliveries came for repos no venture owns ({string.Join(", ", page.UnownedRepos)}); add them to ventures.json.");
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(BuildResolve(runtime));
        return command;
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
            else context.Out.WriteLine($"Resolved {alert.Id} ({alert.Repo} · {alert.Workflow} · {alert.Branch}) at {Text.When(alert.ResolvedAt)}: {alert.ResolutionReason}");
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
                table.Add(c.Item.Id, c.Item.Scope, Text.Shorten(c.Item.Title, 40), $"{c.Item.IntervalDays} d", Text.When(c.Item.LastDoneAt), Text.When(c.DueAt), Text.Snake(c.Status));
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
            else context.Out.WriteLine($"Added {created.Item.Id} \"{created.Item.Title}\" ({created.Item.Scope}, every {created.Item.IntervalDays} d); due {Text.When(created.DueAt)}.");
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

    private static Command BuildWebhooks(CliRuntime runtime)
    {
        var secretValue = new Option<string>("--secret") { Description = "The secret. Default: read from standard input (keeps it out of shell history)." };
        var set = new Command("set", "Store the GitHub webhook secret (admin). It is never printed back.");
        set.Options.Add(secretValue);
        set.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var secret = parse.GetValue(secretValue) ?? (await Console.In.ReadLineAsync(token))?.Trim();
            var answer = await context.Services.Alerts.SetWebhookSecretAsync(new SetWebhookSecretRequest(secret), token);
            context.Out.WriteLine(answer.Message);
            return ExitCodes.Ok;
        }, ct));
        var secretCommand = new Command("secret", "The GitHub webhook secret.");
        secretCommand.Subcommands.Add(set);
        var command = new Command("webhooks", "GitHub webhooks: POST <server>/v1/webhooks/github, signed with the secret set here.");
        command.Subcommands.Add(secretCommand);
        return command;
    }
}
