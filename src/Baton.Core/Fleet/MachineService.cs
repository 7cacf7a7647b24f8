using Baton.Core.Common;


namespace Baton.Core.Fleet;

/// <summary>
/// Local implementation of <see cref="IMachineService"/>. Any key may register and heartbeat machines: a machine
/// registers itself with the key it runs agents with, and the fleet is shared across ventures.
/// </summary>
internal sealed class MachineService(IFleetStore machines, BatonCore core, Caller caller) : IMachineService
{
    public async Task<MachineRegistration> RegisterMachineAsync(RegisterMachineRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var hostname = MachineRules.NormalizeHostname(v.Required("hostname", request.Hostname, MachineRules.MaxHostnameLength));
        if (hostname.Length > 0 && !MachineRules.IsValidHostname(hostname))
            v.Add("hostname", $"'{hostname}' is not a host name: use letters, digits, hyphens and dots (as `hostname` prints it).");
        var os = v.Text("os", request.Os, 50);
        var arch = v.Text("arch", request.Arch, 50);
        var address = Empty(v.Text("address", request.Address, MachineRules.MaxHostnameLength));
        if (address is not null && !MachineRules.IsValidAddress(address))
            v.Add("address", $"'{address}' is neither an IP address nor a host name.");
        var key = Empty(v.Text("ssh_public_key", request.SshPublicKey, MachineRules.MaxSshKeyLength));
        if (key is not null && !MachineRules.IsValidSshPublicKey(key))
            v.Add("ssh_public_key", "must be one OpenSSH public key line, e.g. the contents of ~/.ssh/id_ed25519.pub ('ssh-ed25519 AAAA… comment').");
        var user = Empty(v.Text("ssh_user", request.SshUser, 32));
        if (user is not null && !MachineRules.IsValidSshUser(user))
            v.Add("ssh_user", $"'{user}' is not a login name: letters, digits, '_', '.', '-', starting with a letter or '_'.");
        v.ThrowIfAny();

        var now = core.Now();
        var candidate = new Machine(core.Ids.New(IdGenerator.Machine), hostname, Empty(os), Empty(arch), address, key, user, now, now, caller.ActorKeyId);
        var upsert = await machines.UpsertMachineAsync(candidate, ct);
        return new MachineRegistration(MachineInfo.From(upsert.Machine, now), upsert.Created);
    }

    public async Task<MachineInfo> HeartbeatMachineAsync(string id, CancellationToken ct)
    {
        var now = core.Now();
        var machine = await machines.TouchMachineAsync(id, now, ct) ?? throw NotFound(id);
        return MachineInfo.From(machine, now);
    }

    public async Task<MachineInfo> GetMachineAsync(string id, CancellationToken ct)
    {
        var machine = await machines.FindMachineOrNullAsync(id, ct) ?? throw NotFound(id);
        return MachineInfo.From(machine, core.Now());
    }

    public async Task<Page<MachineInfo>> ListMachinesAsync(MachineListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.ThrowIfAny();
        var page = await machines.ListMachinesAsync(new PageRequest(limit, request.Cursor), ct);
        var now = core.Now();
        return new Page<MachineInfo>(page.Items.Select(m => MachineInfo.From(m, now)).ToList(), page.Total, page.NextCursor);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static BatonException NotFound(string id) =>
        new(ErrorCodes.MachineNotFound, $"There is no machine '{id}'. `baton fleet list` shows the machine ids; `baton fleet register` registers this one.");
}
