namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// A class fixture: one browser and one server seeded once (tests that only read share them; seeding and Chromium's
/// start are most of a class's time). Nothing starts where there is no Chromium: the tests are skipped.
/// </summary>
public class SeededDashboard : IAsyncLifetime
{
    private DashboardServer? _server;
    private SeededWorld? _world;

    public BrowserFixture Browser { get; } = new();

    public DashboardServer Server => _server ?? throw new InvalidOperationException("No server: the tests should have been skipped.");

    public SeededWorld World => _world ?? throw new InvalidOperationException("No world: the tests should have been skipped.");

    /// <summary>The text put in every user field.</summary>
    protected virtual string Text => "demo";

    /// <summary>The venture registry the server starts with.</summary>
    protected virtual string VenturesJson => DashboardServer.VenturesJson;

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null) return;
        _server = await DashboardServer.StartAsync(venturesJson: VenturesJson);
        _world = await Seed.WorldAsync(_server, Text);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>The same world with an XSS payload in every user field.</summary>
public sealed class XssDashboard : SeededDashboard
{
    protected override string Text => Seed.Xss;

    /// <summary>A venture's display name is user-supplied too (the registry file).</summary>
    protected override string VenturesJson =>
        DashboardServer.VenturesJson.Replace("\"Project Beta\"", System.Text.Json.JsonSerializer.Serialize("Beta " + Seed.Xss), StringComparison.Ordinal);
}
