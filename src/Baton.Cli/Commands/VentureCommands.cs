using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Ventures;

namespace Baton.Cli.Commands;

/// <summary><c>baton ventures</c>, <c>ventures show &lt;code&gt;</c>, <c>ventures set &lt;code&gt;</c>.</summary>
public static class VentureCommands
{
    public static Command Build(CliRuntime runtime)
    {
        var json = CommonOptions.Json();
        var command = new Command("ventures", "List the venture registry. Subcommands show one or create/replace one.");
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            await ListAsync(context.Services.Ventures, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        command.Subcommands.Add(BuildShow(runtime));
        command.Subcommands.Add(BuildSet(runtime));
        return command;
    }

    public static async Task<IReadOnlyList<Venture>> ListAsync(IVentureService ventures, bool json, TextWriter output, CancellationToken ct)
    {
        var list = await ventures.ListVenturesAsync(ct);
        if (json)
        {
            Verb.WriteJson(output, new { items = list, total = list.Count });
            return list;
        }
        var table = new TextTable("CODE", "NAME", "ORG", "REPOS", "PLATFORM");
        foreach (var v in list) table.Add(v.Code, v.Name, v.Org, string.Join(",", v.Repos), v.Platform ? "yes" : "");
        table.WriteTo(output);
        output.WriteLine(Text.CountLine(list.Count, list.Count, "venture", null));
        return list;
    }

    private static Command BuildShow(CliRuntime runtime)
    {
        var code = new Argument<string>("code") { Description = "The venture code." };
        var json = CommonOptions.Json();
        var command = new Command("show", "Show one venture.");
        command.Arguments.Add(code);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            await ShowAsync(context.Services.Ventures, parse.GetValue(code)!, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Venture> ShowAsync(IVentureService ventures, string code, bool json, TextWriter output, CancellationToken ct)
    {
        var venture = await ventures.GetVentureAsync(code, ct);
        if (json) Verb.WriteJson(output, venture);
        else WriteVenture(venture, output);
        return venture;
    }

    private static Command BuildSet(CliRuntime runtime)
    {
        var code = new Argument<string>("code") { Description = "The venture code: 2–12 lowercase letters or digits." };
        var name = new Option<string>("--name") { Description = "Full name.", Required = true };
        var org = new Option<string>("--org") { Description = "GitHub organisation or user.", Required = true };
        var repos = new Option<string[]>("--repo") { Description = "A repository name under the org (repeatable).", Required = true };
        var capabilities = new Option<string[]>("--capability") { Description = "A capability such as has_api (repeatable)." };
        var platform = new Option<bool>("--platform") { Description = "This is the enterprise-level venture." };
        var secretsPath = new Option<string>("--secrets-path") { Description = "Path of the venture's secrets." };
        var noteTags = new Option<string[]>("--note-tag") { Description = "A note tag the briefing includes (repeatable)." };
        var budget = new Option<double?>("--daily-budget-usd") { Description = "Dollars its tasks may spend per UTC day; the dispatcher holds a task that could exceed it." };
        var json = CommonOptions.Json();
        var command = new Command("set", "Create or replace a venture (admin). Replaces every field: pass them all.");
        command.Arguments.Add(code);
        foreach (Option option in new Option[] { name, org, repos, capabilities, platform, secretsPath, noteTags, budget, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var request = new PutVentureRequest(
                Name: parse.GetValue(name),
                Org: parse.GetValue(org),
                Repos: parse.GetValue(repos) ?? [],
                Capabilities: parse.GetValue(capabilities) ?? [],
                SecretsPath: parse.GetValue(secretsPath),
                Platform: parse.GetValue(platform),
                NoteTags: parse.GetValue(noteTags) ?? [],
                DailyBudgetUsd: parse.GetValue(budget));
            await SetAsync(context.Services.Ventures, parse.GetValue(code)!, request, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<Venture> SetAsync(IVentureService ventures, string code, PutVentureRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var venture = await ventures.PutVentureAsync(code, request, ct);
        if (json)
        {
            Verb.WriteJson(output, venture);
            return venture;
        }
        output.WriteLine($"Saved venture {venture.Code}.");
        WriteVenture(venture, output);
        return venture;
    }

    private static void WriteVenture(Venture v, TextWriter output)
    {
        var table = new TextTable("FIELD", "VALUE")
            .Add("code", v.Code)
            .Add("name", v.Name)
            .Add("org", v.Org)
            .Add("repos", string.Join(", ", v.Repos))
            .Add("capabilities", v.Capabilities.Count == 0 ? "-" : string.Join(", ", v.Capabilities))
            .Add("platform", v.Platform ? "yes" : "no")
            .Add("secrets_path", v.SecretsPath)
            .Add("design_spec", v.DesignSpec)
            .Add("note_tags", v.NoteTags.Count == 0 ? "-" : string.Join(", ", v.NoteTags));
        table.WriteTo(output);
    }
}
