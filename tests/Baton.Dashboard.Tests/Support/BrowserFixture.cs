using Microsoft.Playwright;

namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// One Chromium per test class (starting it costs about a second; a context per test keeps tests apart). Started
/// lazily, so a class whose tests are all skipped (no Chromium here) never tries.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task<IBrowser> BrowserAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_browser is not null) return _browser;
            var executable = Chromium.ExecutableOrNull ?? throw new InvalidOperationException(Chromium.SkipReason);
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                // Chromium refuses to sandbox as root (CI containers run as root).
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            });
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh context (cookies, storage) on <paramref name="baseUrl"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseUrl, ColorScheme scheme = ColorScheme.Light, IDictionary<string, string>? headers = null, bool bypassCsp = false)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ColorScheme = scheme,
            ExtraHTTPHeaders = headers,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            BypassCSP = bypassCsp,
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _gate.Dispose();
    }
}
