namespace Baton.Dashboard.Tests.Support;

/// <summary>The dashboard's pages, as the navigation lists them (path, the heading it shows).</summary>
public static class Pages
{
    public static readonly IReadOnlyList<(string Path, string Title)> All =
    [
        ("/", "Now"),
        ("/work", "Work"),
        ("/fleet", "Fleet"),
        ("/context", "Context"),
        ("/spend", "Spend"),
        ("/admin", "Admin"),
    ];

    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var (path, _) in All) data.Add(path);
        return data;
    }

    public static string TitleOf(string path) => All.Single(p => p.Path == path).Title;

    /// <summary>A file name for a page's screenshot: <c>now-light.png</c>.</summary>
    public static string ScreenshotName(string path, string scheme) => $"{TitleOf(path).ToLowerInvariant()}-{scheme}.png";
}
