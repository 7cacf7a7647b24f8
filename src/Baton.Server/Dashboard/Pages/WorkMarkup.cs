using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>The small pieces the Work pages repeat: times, status words, links to tasks, workflows and sprints, JSON.</summary>
internal static class WorkMarkup
{
    /// <summary>A state as the API writes it: <c>queued</c>.</summary>
    public static string Word(TaskState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    public static Html Status(TaskState state) => DashboardText.Status(Word(state));

    /// <summary>A workflow state: the word shown as the diagram writes it, the class lower case (<c>status-in_progress</c>).</summary>
    public static Html Status(WorkflowState state) =>
        Html.Of($"""<span class="status status-{WorkflowMachine.Name(state).ToLowerInvariant()}">{WorkflowMachine.Name(state)}</span>""");

    public static string TaskPath(string id) => "/work/tasks/" + Uri.EscapeDataString(id);

    public static string WorkflowPath(string id) => "/work/workflows/" + Uri.EscapeDataString(id);

    public static string SprintPath(string id) => "/work/sprints/" + Uri.EscapeDataString(id);

    public static Html TaskLink(string? id) => id is null ? Html.Trusted("—") : Html.Of($"""<a href="{Html.Url(TaskPath(id))}"><code>{id}</code></a>""");

    public static Html WorkflowLink(string? id) => id is null ? Html.Trusted("—") : Html.Of($"""<a href="{Html.Url(WorkflowPath(id))}"><code>{id}</code></a>""");

    public static Html SprintLink(string? id) => id is null ? Html.Trusted("—") : Html.Of($"""<a href="{Html.Url(SprintPath(id))}"><code>{id}</code></a>""");

    /// <summary>A sprint run is a workflow (<c>wf_…</c>) or a task (<c>task_…</c>).</summary>
    public static Html RunLink(string id) => id.StartsWith(WorkflowIds.Workflow + "_", StringComparison.Ordinal) ? WorkflowLink(id) : TaskLink(id);

    /// <summary>An external link (a PR): only http(s) survives <see cref="Html.Url"/>.</summary>
    public static Html ExternalLink(string? url) => string.IsNullOrEmpty(url) ? Html.Trusted("—") : Html.Of($"""<a href="{Html.Url(url)}" rel="noreferrer">{url}</a>""");

    /// <summary>Text or a dash.</summary>
    public static Html OrDash(string? text) => string.IsNullOrEmpty(text) ? Html.Trusted("—") : Html.Text(text);

    /// <summary>A long text: the first <paramref name="max"/> characters, and all of it behind a <c>&lt;details&gt;</c>.</summary>
    public static Html Clipped(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return Html.Trusted("—");
        var clean = DisplayText.Clean(text);
        if (clean.Length <= max) return Html.Of($"""<span class="pre">{clean}</span>""");
        return Html.Of($"""<details class="clipped"><summary>{DisplayText.Clip(clean, max)}</summary><pre>{clean}</pre></details>""");
    }

    /// <summary>
    /// Indented, and with the characters JSON would escape for HTML's sake left as they are: the text is HTML-escaped
    /// where it is put, so a reader sees <c>&lt;</c> rather than <c>\u003C</c>.
    /// </summary>
    private static readonly JsonSerializerOptions ReadableJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A JSON object indented for reading, in a <c>&lt;pre&gt;</c> (escaped like any text).</summary>
    public static Html Json(string? json)
    {
        if (string.IsNullOrEmpty(json)) return Html.Trusted("—");
        string pretty;
        try
        {
            pretty = JsonNode.Parse(json)?.ToJsonString(ReadableJson) ?? json;
        }
        catch (JsonException)
        {
            pretty = json;
        }
        return Html.Of($"""<pre class="json">{pretty}</pre>""");
    }

    public static string Number(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Duration(long? ms) => ms switch
    {
        null => "—",
        < 1000 => $"{ms} ms",
        < 60_000 => (ms.Value / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + " s",
        _ => TimeSpan.FromMilliseconds(ms.Value).ToString(ms.Value >= 3_600_000 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture),
    };

    /// <summary>A query string of the given filters (empty ones left out), for links that keep them.</summary>
    public static string QueryOf(params (string Name, string? Value)[] values)
    {
        var parts = values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => Uri.EscapeDataString(v.Name) + "=" + Uri.EscapeDataString(v.Value!)).ToList();
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>A service's refusal in words, inside a panel.</summary>
    public static Html Refusal(BatonException e) => Html.Of($"""<p class="error" role="alert">{e.Detail}</p>""");

    /// <summary>A whole page that says what went wrong (unknown id: 404; another venture's: what the service said, 403).</summary>
    public static HtmlResult ErrorPage(DashboardContext context, string title, BatonException e) =>
        new(DashboardLayout.Page(context, title, "/work", Html.Of($"""<p class="error" role="alert">{e.Detail}</p><p><a href="/work">Back to the work queue</a></p>""")),
            e.Status is StatusCodes.Status404NotFound or StatusCodes.Status403Forbidden ? e.Status : StatusCodes.Status400BadRequest);
}
