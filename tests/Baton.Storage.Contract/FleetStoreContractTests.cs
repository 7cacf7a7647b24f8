using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Storage;


namespace Baton.Storage.Contract;

/// <summary>
/// The fleet side of the storage contract (<see cref="IFleetStore"/>): machines upserted on their hostname, heartbeats
/// and the paged list. A store's test project subclasses this once and supplies a fresh, empty, initialised store per
/// test. Times are explicit (from <see cref="Some.T0"/>).
/// </summary>
public abstract class FleetStoreContractTests : StoreContractBase
{
    private static Machine NewMachine(DateTimeOffset at, string? hostname = null) => new(
        Id: Some.Id(IdGenerator.Machine),
        Hostname: hostname ?? Some.Name("host"),
        Os: "linux",
        Arch: "x64",
        Address: "10.0.0." + Some.Number() % 250,
        SshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + Some.Number() + " someone@" + Some.Name("laptop"),
        SshUser: "dev",
        RegisteredAt: at,
        LastSeenAt: at,
        ActorKeyId: "0123456789abcdef");

    [Fact]
    public async Task UpsertMachine_WhenHostnameNew_StoresEveryFieldAndReportsCreated()
    {
        var machine = NewMachine(T0);

        var upsert = await Store.UpsertMachineAsync(machine, Ct);

        Assert.True(upsert.Created);
        Assert.Equal(machine, upsert.Machine);
        Assert.Equal(machine, await Store.FindMachineOrNullAsync(machine.Id, Ct));
    }

    [Fact]
    public async Task UpsertMachine_WhenHostnameKnown_KeepsIdAndRegisteredAtAndReplacesGivenFields()
    {
        var first = NewMachine(T0);
        await Store.UpsertMachineAsync(first, Ct);
        var second = NewMachine(T0.AddHours(1), first.Hostname) with { Os = "darwin", Arch = "arm64", ActorKeyId = "fedcba9876543210" };

        var upsert = await Store.UpsertMachineAsync(second, Ct);

        Assert.False(upsert.Created);
        var expected = second with { Id = first.Id, RegisteredAt = T0 };
        Assert.Equal(expected, upsert.Machine);
        Assert.Equal(expected, await Store.FindMachineOrNullAsync(first.Id, Ct));
        Assert.Null(await Store.FindMachineOrNullAsync(second.Id, Ct));
    }

    [Fact]
    public async Task UpsertMachine_WhenCandidateLeavesFieldsNull_KeepsStoredValues()
    {
        var first = NewMachine(T0);
        await Store.UpsertMachineAsync(first, Ct);
        var sparse = new Machine(Some.Id(IdGenerator.Machine), first.Hostname, null, null, null, null, null, T0.AddMinutes(5), T0.AddMinutes(5), null);

        var upsert = await Store.UpsertMachineAsync(sparse, Ct);

        Assert.Equal(first with { LastSeenAt = T0.AddMinutes(5), ActorKeyId = null }, upsert.Machine);
    }

    [Fact]
    public async Task UpsertMachine_WhenCandidateIsOlder_KeepsLaterLastSeen()
    {
        var first = NewMachine(T0.AddHours(2));
        await Store.UpsertMachineAsync(first, Ct);

        var upsert = await Store.UpsertMachineAsync(NewMachine(T0, first.Hostname), Ct);

        Assert.Equal(T0.AddHours(2), upsert.Machine.LastSeenAt);
    }

    [Fact]
    public async Task UpsertMachine_WhenRacingOnOneHostname_LeavesOneMachine()
    {
        var hostname = Some.Name("host");
        var candidates = Enumerable.Range(0, 8).Select(i => NewMachine(T0.AddSeconds(i), hostname)).ToList();

        var results = await Task.WhenAll(candidates.Select(c => Store.UpsertMachineAsync(c, Ct)));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Machine.Id).Distinct());
        Assert.Equal(1, (await Store.ListMachinesAsync(PageRequest.First(), Ct)).Total);
    }

    [Fact]
    public async Task FindMachineOrNull_WhenIdUnknown_ReturnsNull()
    {
        await Store.UpsertMachineAsync(NewMachine(T0), Ct);

        Assert.Null(await Store.FindMachineOrNullAsync(Some.Id(IdGenerator.Machine), Ct));
    }

    [Fact]
    public async Task TouchMachine_WhenKnown_MovesLastSeenOnly()
    {
        var machine = NewMachine(T0);
        await Store.UpsertMachineAsync(machine, Ct);

        var touched = await Store.TouchMachineAsync(machine.Id, T0.AddMinutes(10), Ct);

        Assert.Equal(machine with { LastSeenAt = T0.AddMinutes(10) }, touched);
        Assert.Equal(touched, await Store.FindMachineOrNullAsync(machine.Id, Ct));
    }

    [Fact]
    public async Task TouchMachine_WhenNowIsEarlierThanLastSeen_KeepsLastSeen()
    {
        var machine = NewMachine(T0.AddHours(1));
        await Store.UpsertMachineAsync(machine, Ct);

        var touched = await Store.TouchMachineAsync(machine.Id, T0, Ct);

        Assert.Equal(T0.AddHours(1), touched?.LastSeenAt);
    }

    [Fact]
    public async Task TouchMachine_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Store.TouchMachineAsync(Some.Id(IdGenerator.Machine), T0, Ct));
    }

    [Fact]
    public async Task ListMachines_WhenEmpty_ReturnsNoItemsAndZeroTotal()
    {
        var page = await Store.ListMachinesAsync(PageRequest.First(), Ct);

        Assert.Empty(page.Items);
        Assert.Equal(0, page.Total);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListMachines_OverSeveralPages_ReturnsNewestRegisteredFirstWithExactTotal()
    {
        var machines = new List<Machine>();
        for (var i = 0; i < 5; i++)
        {
            var machine = NewMachine(T0.AddMinutes(i));
            machines.Add(machine);
            await Store.UpsertMachineAsync(machine, Ct);
        }
        // A re-registration neither adds a machine nor moves it in the list.
        await Store.UpsertMachineAsync(NewMachine(T0.AddHours(1), machines[0].Hostname), Ct);

        var all = await Paging.ReadAllAsync(cursor => Store.ListMachinesAsync(new PageRequest(2, cursor), Ct), expectedTotal: 5, expectedPages: 3);

        Assert.Equal(machines.Select(m => m.Id).Reverse(), all.Select(m => m.Id));
        Assert.Equal(T0.AddHours(1), all[^1].LastSeenAt);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("mach_")]
    [InlineData("sess_01M8RKQ7E1TYB8JDN73X7QDH6Y")]
    public async Task ListMachines_WithACursorNoListGaveOut_IsInvalidCursorNotAPage(string cursor)
    {
        await Store.UpsertMachineAsync(NewMachine(T0), Ct);

        var error = await Assert.ThrowsAsync<BatonException>(() => Store.ListMachinesAsync(new PageRequest(2, cursor), Ct));

        Assert.Equal(ErrorCodes.InvalidCursor, error.Code);
    }
}
