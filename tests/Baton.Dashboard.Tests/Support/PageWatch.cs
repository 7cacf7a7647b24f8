using Microsoft.Playwright;

namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// What a page did wrong while a test looked at it: console errors (a CSP violation is one: Chromium reports a refused
/// script, style or connection there), uncaught exceptions, and dialogs (an <c>alert(1)</c> from an injected script —
/// dismissed so the page goes on, but recorded).
/// </summary>
public sealed class PageWatch
{
    private readonly List<string> _errors = [];
    private readonly List<string> _dialogs = [];
    private readonly Lock _lock = new();

    private PageWatch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error") Add(_errors, $"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => Add(_errors, $"pageerror: {error}");
        page.Dialog += async (_, dialog) =>
        {
            Add(_dialogs, $"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public static PageWatch On(IPage page) => new(page);

    public IReadOnlyList<string> Errors { get { lock (_lock) return [.. _errors]; } }

    public IReadOnlyList<string> Dialogs { get { lock (_lock) return [.. _dialogs]; } }

    public void AssertClean(string where)
    {
        Assert.True(Errors.Count == 0, $"{where}: {string.Join(Environment.NewLine, Errors)}");
        Assert.True(Dialogs.Count == 0, $"{where} opened a dialog: {string.Join(Environment.NewLine, Dialogs)}");
    }

    private void Add(List<string> list, string item)
    {
        lock (_lock) list.Add(item);
    }
}
