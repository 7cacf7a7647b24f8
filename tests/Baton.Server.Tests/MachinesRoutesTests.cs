using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>The fleet routes: registration idempotent on hostname, heartbeats, the list with ages and an exact total.</summary>
public sealed class MachinesRoutesTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetKey dev@laptop";

    [Fact]
    public async Task RegisterMachine_NewHostname_Is201WithLocationAndCreated()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/machines", TestServer.Json(
            $$"""{"hostname":"Laptop-1","os":"linux","arch":"x64","address":"10.0.0.5","ssh_public_key":"{{Key}}","ssh_user":"dev"}"""));
        var json = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(json.GetProperty("created").GetBoolean());
        var machine = json.GetProperty("machine");
        Assert.StartsWith("mach_", machine.GetProperty("id").GetString());
        Assert.Equal("laptop-1", machine.GetProperty("hostname").GetString());
        Assert.Equal(Key, machine.GetProperty("ssh_public_key").GetString());
        Assert.Equal($"/v1/machines/{machine.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task RegisterMachine_SameHostnameTwice_Is200WithSameIdAndOneMachineListed()
    {
        await using var server = await TestServer.StartAsync();
        using var first = await server.Admin.PostAsync("/v1/machines", TestServer.Json("""{"hostname":"box","os":"linux"}"""));
        var firstId = (await TestServer.ReadJsonAsync(first)).GetProperty("machine").GetProperty("id").GetString();

        using var second = await server.Admin.PostAsync("/v1/machines", TestServer.Json("""{"hostname":"BOX","address":"box.lan"}"""));
        var json = await TestServer.ReadJsonAsync(second);
        using var list = await server.Admin.GetAsync("/v1/machines");
        var listed = await TestServer.ReadJsonAsync(list);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(json.GetProperty("created").GetBoolean());
        Assert.Equal(firstId, json.GetProperty("machine").GetProperty("id").GetString());
        Assert.Equal("linux", json.GetProperty("machine").GetProperty("os").GetString());
        Assert.Equal("box.lan", json.GetProperty("machine").GetProperty("address").GetString());
        Assert.Equal(1, listed.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task ListMachines_AfterTimePasses_ShowsLastSeenAgeAndHeartbeatResetsIt()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(clock: clock);
        using var register = await server.Admin.PostAsync("/v1/machines", TestServer.Json("""{"hostname":"box"}"""));
        var id = (await TestServer.ReadJsonAsync(register)).GetProperty("machine").GetProperty("id").GetString();
        clock.Advance(TimeSpan.FromMinutes(5));

        using var before = await server.Admin.GetAsync("/v1/machines?limit=1");
        var listed = await TestServer.ReadJsonAsync(before);
        using var heartbeat = await server.Admin.PostAsync($"/v1/machines/{id}/heartbeat", null);
        var beat = await TestServer.ReadJsonAsync(heartbeat);

        Assert.Equal(300, listed.GetProperty("items")[0].GetProperty("last_seen_age_seconds").GetInt64());
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        Assert.Equal(0, beat.GetProperty("last_seen_age_seconds").GetInt64());
        Assert.Equal("2026-11-22T01:05:00.000Z", beat.GetProperty("last_seen_at").GetString());
    }

    [Fact]
    public async Task Heartbeat_UnknownMachine_Is404MachineNotFound()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/machines/mach_01JUNKJUNKJUNKJUNKJUNKJUNK/heartbeat", null);
        var json = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("machine_not_found", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task RegisterMachine_WithBadFields_Is400NamingEachField()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/machines", TestServer.Json(
            """{"hostname":"bad host\nProxyCommand x","address":"-oProxyCommand=x","ssh_public_key":"not a key","ssh_user":"root -x"}"""));
        var json = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = json.GetProperty("errors");
        foreach (var field in new[] { "hostname", "address", "ssh_public_key", "ssh_user" }) Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task RegisterMachine_WithAgentKey_IsAllowed()
    {
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent", "alpha");

        using var response = await server.Client(agentKey).PostAsync("/v1/machines", TestServer.Json("""{"hostname":"agent-box"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
