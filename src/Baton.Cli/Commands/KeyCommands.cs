using System.CommandLine;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Keys;

namespace Baton.Cli.Commands;

/// <summary><c>baton keys create|list|revoke</c> (admin).</summary>
public static class KeyCommands
{
    public static Command Build(CliRuntime runtime)
    {
        var command = new Command("keys", "Manage API keys (admin): create, list, revoke.");
        command.Subcommands.Add(BuildCreate(runtime));
        command.Subcommands.Add(BuildList(runtime));
        command.Subcommands.Add(BuildRevoke(runtime));
        return command;
    }

    private static Command BuildCreate(CliRuntime runtime)
    {
        var role = new Option<string>("--role") { Description = "agent or admin.", Required = true }.AcceptOnlyFromAmong("agent", "admin");
        var name = new Option<string>("--name") { Description = "Who or what holds the key.", Required = true };
        var venture = new Option<string>("--venture") { Description = "Limit the key to one venture." };
        var json = CommonOptions.Json();
        var command = new Command("create", "Create a key. The key is printed once and never again.");
        foreach (Option option in new Option[] { role, name, venture, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var keyRole = parse.GetValue(role) == "admin" ? KeyRole.Admin : KeyRole.Agent;
            await CreateAsync(context.Services.Keys, new CreateKeyRequest(keyRole, parse.GetValue(name), parse.GetValue(venture)), parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<CreatedKey> CreateAsync(IKeyService keys, CreateKeyRequest request, bool json, TextWriter output, CancellationToken ct)
    {
        var created = await keys.CreateKeyAsync(request, ct);
        if (json)
        {
            Verb.WriteJson(output, created);
            return created;
        }
        output.WriteLine($"Created {Text.Snake(created.Role)} key {created.Id} \"{created.Name}\"{(created.Venture is null ? "" : $" for {created.Venture}")} (actor {created.ActorKeyId}).");
        output.WriteLine("Copy it now; it is not shown again:");
        output.WriteLine(created.Key);
        return created;
    }

    private static Command BuildList(CliRuntime runtime)
    {
        var json = CommonOptions.Json();
        var command = new Command("list", "List keys (never the keys themselves), newest first.");
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            await ListAsync(context.Services.Keys, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(IKeyService keys, bool json, TextWriter output, CancellationToken ct)
    {
        var list = await keys.ListKeysAsync(ct);
        if (json)
        {
            Verb.WriteJson(output, new { items = list, total = list.Count });
            return list;
        }
        var table = new TextTable("ID", "NAME", "ROLE", "VENTURE", "ACTOR", "CREATED", "REVOKED");
        foreach (var k in list) table.Add(k.Id, k.Name, Text.Snake(k.Role), k.Venture, k.ActorKeyId, Text.When(k.CreatedAt), Text.When(k.RevokedAt));
        table.WriteTo(output);
        output.WriteLine(Text.CountLine(list.Count, list.Count, "key", null));
        return list;
    }

    private static Command BuildRevoke(CliRuntime runtime)
    {
        var id = new Argument<string>("id") { Description = "The key id (key_…), as `baton keys list` shows it." };
        var json = CommonOptions.Json();
        var command = new Command("revoke", "Revoke a key; it stops working at once.");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            await RevokeAsync(context.Services.Keys, parse.GetValue(id)!, parse.GetValue(json), context.Out, token);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static async Task<ApiKeyInfo> RevokeAsync(IKeyService keys, string id, bool json, TextWriter output, CancellationToken ct)
    {
        var revoked = await keys.RevokeKeyAsync(id, ct);
        if (json) Verb.WriteJson(output, revoked);
        else output.WriteLine($"Revoked key {revoked.Id} \"{revoked.Name}\" at {Text.When(revoked.RevokedAt)}.");
        return revoked;
    }
}
