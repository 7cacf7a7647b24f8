using System.CommandLine;
using Baton.Cli.Fleet;
using Baton.Cli.Output;
using Baton.Core.Common;
using Baton.Core.Fleet;

namespace Baton.Cli.Commands;

/// <summary><c>baton fleet register | list | ssh-config</c>: the machines of a fleet, known to Baton and reachable from each other over SSH.</summary>
public static class FleetCommands
{
    public static Command Build(CliRuntime runtime)
    {
        var fleet = new Command("fleet", "The machines of the fleet: register this one, list them, and write SSH config so each reaches the others.");
        fleet.Subcommands.Add(BuildRegister(runtime));
        fleet.Subcommands.Add(BuildList(runtime));
        fleet.Subcommands.Add(BuildSshConfig(runtime));
        return fleet;
    }

    // ---- register ----

    private static Command BuildRegister(CliRuntime runtime)
    {
        var hostname = new Option<string>("--hostname") { Description = "This machine's name (default: its host name)." };
        var os = new Option<string>("--os") { Description = "Operating system (default: detected, e.g. linux)." };
        var arch = new Option<string>("--arch") { Description = "CPU architecture (default: detected, e.g. x64, arm64)." };
        var address = new Option<string>("--address") { Description = "IP or DNS name other machines use to reach it (default: the first non-loopback IPv4 address)." };
        var key = new Option<string>("--ssh-public-key") { Description = "One OpenSSH public key line (default: ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub, then any id_*.pub)." };
        var user = new Option<string>("--ssh-user") { Description = "Login other machines use (default: USER)." };
        var json = CommonOptions.Json();
        var command = new Command("register", "Register this machine with Baton (or update it: idempotent on the hostname), filling in what it can detect. Counts as a heartbeat.");
        foreach (Option option in new Option[] { hostname, os, arch, address, key, user, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var home = runtime.Environment.GetValueOrDefault("HOME");
            var keyFile = parse.GetValue(key) is null && home is not null ? MachineFacts.PublicKeyFileOrNull(home) : null;
            var request = new RegisterMachineRequest(
                parse.GetValue(hostname) ?? runtime.HostName,
                parse.GetValue(os) ?? MachineFacts.Os(),
                parse.GetValue(arch) ?? MachineFacts.Arch(),
                parse.GetValue(address) ?? MachineFacts.AddressOrNull(),
                parse.GetValue(key) ?? (keyFile is null ? null : MachineFacts.ReadPublicKey(keyFile)),
                parse.GetValue(user) ?? runtime.Environment.GetValueOrDefault("USER"));
            var answer = await context.Services.Machines.RegisterMachineAsync(request, token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, answer);
                return ExitCodes.Ok;
            }
            var m = answer.Machine;
            context.Out.WriteLine($"Machine {m.Id} {(answer.Created ? "registered" : "updated")}: {m.Hostname} ({m.Os ?? "-"}/{m.Arch ?? "-"}), " +
                                  $"address {m.Address ?? "unknown"}, ssh user {m.SshUser ?? "unknown"}, " +
                                  $"key {(m.SshPublicKey is null ? "none" : keyFile is null ? "given" : "from " + keyFile)}.");
            if (m.SshPublicKey is null) context.Out.WriteLine("No SSH public key found: other machines cannot authorize this one. Create one with `ssh-keygen -t ed25519` and register again.");
            context.Out.WriteLine("Run `baton fleet ssh-config` on each machine to let them reach each other.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    // ---- list ----

    private static Command BuildList(CliRuntime runtime)
    {
        var limit = CommonOptions.Limit();
        var cursor = CommonOptions.Cursor();
        var json = CommonOptions.Json();
        var command = new Command("list", "List the fleet's machines, newest registered first, with how long ago each was last seen and the exact total.");
        foreach (Option option in new Option[] { limit, cursor, json }) command.Options.Add(option);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var page = await context.Services.Machines.ListMachinesAsync(new MachineListRequest(parse.GetValue(limit), parse.GetValue(cursor)), token);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, page);
                return ExitCodes.Ok;
            }
            var self = MachineRules.NormalizeHostname(runtime.HostName);
            var table = new TextTable("ID", "HOSTNAME", "OS/ARCH", "ADDRESS", "USER", "SSH KEY", "LAST SEEN");
            foreach (var m in page.Items)
            {
                table.Add(m.Id, m.Hostname + (m.Hostname == self ? " (this one)" : ""), $"{m.Os ?? "-"}/{m.Arch ?? "-"}", m.Address, m.SshUser,
                    m.SshPublicKey is null ? "none" : KeyType(m.SshPublicKey), Age(m.LastSeenAgeSeconds));
            }
            table.WriteTo(context.Out);
            context.Out.WriteLine(Text.CountLine(page.Items.Count, page.Total, "machine", page.NextCursor));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>"just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago": what a person reads, rounded down.</summary>
    public static string Age(long seconds) => seconds switch
    {
        < 5 => "just now",
        < 60 => $"{seconds} s ago",
        < 3_600 => $"{seconds / 60} min ago",
        < 86_400 => $"{seconds / 3_600} h ago",
        _ => $"{seconds / 86_400} d ago",
    };

    private static string KeyType(string key) => key.Split(' ')[0];

    // ---- ssh-config ----

    private static Command BuildSshConfig(CliRuntime runtime)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would change, and change nothing." };
        var hostname = new Option<string>("--hostname") { Description = "This machine's name, left out of the Host entries (default: its host name)." };
        var command = new Command("ssh-config",
            "Write ~/.ssh/config.d/baton-fleet (a Host entry per other machine), append the other machines' missing keys to " +
            "~/.ssh/authorized_keys, and add `Include config.d/*` at the top of ~/.ssh/config if absent. Touches nothing else; " +
            "a second run changes nothing.");
        var json = CommonOptions.Json();
        command.Options.Add(dryRun);
        command.Options.Add(hostname);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Verb.RunAsync(runtime, parse, async (context, token) =>
        {
            var home = runtime.Environment.GetValueOrDefault("HOME") ?? throw new UsageException("HOME is not set: Baton needs it to find ~/.ssh.");
            var fleet = await AllMachinesAsync(context.Services.Machines, token);
            var self = MachineRules.NormalizeHostname(parse.GetValue(hostname) ?? runtime.HostName);
            var dry = parse.GetValue(dryRun);
            var changes = SshFleetWriter.Apply(home, self, fleet, dry);
            var registered = fleet.Any(m => m.Hostname == self);
            if (parse.GetValue(json))
            {
                Verb.WriteJson(context.Out, new SshConfigResult(dry, fleet.Count, registered, changes));
                return ExitCodes.Ok;
            }
            foreach (var change in changes)
            {
                var verb = !change.Changed ? "unchanged" : dry ? "would change" : "changed";
                context.Out.WriteLine($"{verb,-13} {change.Path}: {change.What}");
            }
            var count = changes.Count(c => c.Changed);
            context.Out.WriteLine(count == 0
                ? $"Nothing to do: {fleet.Count} machine{(fleet.Count == 1 ? "" : "s")} in the fleet, SSH config already up to date."
                : dry ? $"Dry run: {count} file{(count == 1 ? "" : "s")} would change; run without --dry-run to write them."
                      : $"{count} file{(count == 1 ? "" : "s")} changed ({fleet.Count} machine{(fleet.Count == 1 ? "" : "s")} in the fleet).");
            if (!registered)
                runtime.Error.WriteLine($"baton: this machine ({self}) is not registered: run `baton fleet register` so the others can reach it.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Every machine, page by page: the SSH files are written from the whole fleet, never from one page of it.</summary>
    public static async Task<IReadOnlyList<MachineInfo>> AllMachinesAsync(IMachineService machines, CancellationToken ct)
    {
        var all = new List<MachineInfo>();
        string? cursor = null;
        do
        {
            var page = await machines.ListMachinesAsync(new MachineListRequest(PageRequest.MaxLimit, cursor), ct);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }
}

/// <summary><c>baton fleet ssh-config --json</c>: each file and whether it changed (or would, with <c>--dry-run</c>).</summary>
public sealed record SshConfigResult(bool DryRun, int Machines, bool Registered, IReadOnlyList<SshFileChange> Changes);
