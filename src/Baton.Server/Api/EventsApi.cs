using System.Globalization;
using System.Text.Json;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Hosting;
using Baton.Server.Dashboard;
using Baton.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Baton.Server.Api;

/// <summary>
/// <c>GET /v1/events/stream</c> (issue 18, docs/decisions/0034-change-feed.md): the change log as Server-Sent Events,
/// for the dashboard's script and for scripts. Each change is <c>id: {seq}</c>, <c>event: {kind}</c>,
/// <c>data: {change as JSON}</c>; a reconnect with <c>Last-Event-ID</c> (the header, or <c>?last_event_id=</c>) first
/// replays from the store what came after that id — on any replica, as seqs are the store's — then goes live without
/// repeating. Changes are hints, not data: a reader re-reads what changed through the API.
/// A dashboard route (<see cref="DashboardRouteExtensions.DashboardFragment{TBuilder}"/>): a bearer key, the sign-in
/// cookie or the local operator. A venture-scoped key gets its venture's changes and the fleet-wide ones.
/// </summary>
internal static class EventsApi
{
    /// <summary>A comment line this often keeps proxies and the browser from closing an idle stream.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>The reconnect delay the browser is told (the <c>retry:</c> line), in milliseconds.</summary>
    public const int RetryMilliseconds = 2000;

    public const string ResetEvent = "reset";

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Events")
            .MapGet("/events/stream", Stream)
            .DashboardFragment()
            .WithSummary("Live changes as Server-Sent Events")
            .WithDescription(
                "text/event-stream. Each change: `id: {seq}`, `event: {kind}` (session, hook_event, task, handoff, alert, claim, " +
                "workflow, sprint, agent, machine, note), `data: {\"seq\",\"kind\",\"venture\",\"subject\",\"at\"}`. A `retry:` line first, " +
                "a `: keepalive` comment every 15 s. `kinds` filters (comma-separated); `venture` narrows (fleet-wide changes, venture " +
                "null, always included); a venture-scoped key sees its venture only (another: 403). With `Last-Event-ID` (or " +
                "`last_event_id`) the changes after it are replayed first (at most 1000); further behind, or an id no longer in the " +
                "24-hour log: one `event: reset` (reload), then live. A stream that falls behind is ended with `event: reset`.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task Stream(
        HttpContext http, ChangeHub hub, IChangeStore store, IHostApplicationLifetime lifetime,
        [FromQuery] string? kinds,
        [FromQuery] string? venture,
        [FromQuery(Name = "last_event_id")] string? lastEventId,
        CancellationToken ct)
    {
        var caller = http.Baton().Caller ?? throw new InvalidOperationException("The stream is authenticated first.");
        // Refused before the response starts, so a wrong venture or kind is a plain problem answer.
        var scope = caller.ScopeFilter(string.IsNullOrWhiteSpace(venture) ? null : venture.Trim());
        http.NoteVenture(scope);
        var wanted = ParseKinds(kinds);
        var resumeAfter = ParseLastEventId(http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : lastEventId);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        var token = stop.Token;
        // Subscribed before the replay is read, so nothing committed in between is missed; the replay's seqs are then
        // skipped live.
        using var subscription = await hub.SubscribeAsync(token);

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/event-stream; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache, no-store";
        // nginx buffers proxied responses unless told not to.
        http.Response.Headers["X-Accel-Buffering"] = "no";

        bool Wanted(Change c) => (wanted is null || wanted.Contains(c.Kind)) && (scope is null || c.Venture is null || c.Venture == scope);

        try
        {
            await WriteAsync(http, $"retry: {RetryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n", token);

            var replayed = new HashSet<long>();
            if (resumeAfter is { } after)
            {
                var replay = await ReplayAsync(store, after, token);
                if (replay is null) await WriteResetAsync(http, "behind", token);
                else
                {
                    foreach (var change in replay)
                    {
                        replayed.Add(change.Seq);
                        if (Wanted(change)) await WriteChangeAsync(http, change, token);
                    }
                }
            }
            await http.Response.Body.FlushAsync(token);

            var reader = subscription.Changes;
            Task<bool>? waiting = null;
            while (true)
            {
                waiting ??= reader.WaitToReadAsync(token).AsTask();
                if (await Task.WhenAny(waiting, Task.Delay(KeepAliveInterval, token)) != waiting)
                {
                    await WriteAsync(http, ": keepalive\n\n", token);
                    await http.Response.Body.FlushAsync(token);
                    continue;
                }
                if (!await waiting) break;
                waiting = null;
                while (reader.TryRead(out var change))
                {
                    // At or below the resume point the client had it already (from this replica or another).
                    if (change.Seq <= resumeAfter || replayed.Contains(change.Seq) || !Wanted(change)) continue;
                    await WriteChangeAsync(http, change, token);
                }
                await http.Response.Body.FlushAsync(token);
            }

            // The hub dropped us for falling behind: say so, so the page reloads instead of missing changes.
            if (subscription.FellBehind)
            {
                await WriteResetAsync(http, "fell_behind", token);
                await http.Response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The changes after <paramref name="after"/>, or null when the client must reload instead: more than
    /// <see cref="ChangeLog.MaxRead"/> behind, or the id itself no longer (or never) in the log — purged after
    /// <see cref="ChangeLog.Retention"/>, or from another database.
    /// </summary>
    private static async Task<IReadOnlyList<Change>?> ReplayAsync(IChangeStore store, long after, CancellationToken ct)
    {
        // From the id itself: finding it proves the log still reaches back that far.
        var rows = await store.ReadChangesAsync(after - 1, ChangeLog.MaxRead + 2, ct);
        if (rows.Count == 0 || rows[0].Seq != after || rows.Count > ChangeLog.MaxRead + 1) return null;
        return rows.Skip(1).ToList();
    }

    private static HashSet<string>? ParseKinds(string? kinds)
    {
        if (string.IsNullOrWhiteSpace(kinds)) return null;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!ChangeKinds.All.Contains(kind))
                throw new BatonException(ErrorCodes.ValidationFailed,
                    $"kinds: '{DisplayText.Clip(kind, 40)}' is not a change kind; use a comma-separated list of: {string.Join(", ", ChangeKinds.All)}.");
            set.Add(kind);
        }
        return set;
    }

    private static long? ParseLastEventId(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return seq;
        throw new BatonException(ErrorCodes.ValidationFailed,
            $"Last-Event-ID: '{DisplayText.Clip(value, 40)}' is not an event id (a change's seq, a whole number).");
    }

    private static Task WriteChangeAsync(HttpContext http, Change change, CancellationToken ct) =>
        WriteAsync(http, $"id: {change.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: {change.Kind}\ndata: {JsonSerializer.Serialize(change, BatonJson.Options)}\n\n", ct);

    private static Task WriteResetAsync(HttpContext http, string reason, CancellationToken ct) =>
        WriteAsync(http, $"event: {ResetEvent}\ndata: {{\"reason\":\"{reason}\"}}\n\n", ct);

    private static Task WriteAsync(HttpContext http, string text, CancellationToken ct) => http.Response.WriteAsync(text, ct);
}
