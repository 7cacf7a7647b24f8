using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Baton.Core.Common;

namespace Baton.Dashboard.Tests.Support;

/// <summary>What <see cref="Seed.WorldAsync"/> wrote: the ids the pages show, and which fields took the given text.</summary>
public sealed record SeededWorld(
    string LiveSessionId,
    string WaitingSessionId,
    string AgentId,
    string QueuedTaskId,
    string RunningTaskId,
    string SucceededTaskId,
    string FailedTaskId,
    string? WorkflowId,
    string HandoffId,
    string NoteId,
    string AlertId,
    IReadOnlyList<string> FieldsWithText,
    IReadOnlyList<string> FieldsRefusingText);

/// <summary>
/// One of everything the dashboard shows, written through the API as agents and workers write it: sessions (SOD), a
/// heartbeat, hook events (a tool call, a wait for a human), an agent, tasks queued, running, succeeded with usage
/// (spend) and failed, a workflow, a handoff, a note, an alert. The given text goes into every user-supplied
/// field (an XSS payload, or plain words); a field whose validation refuses it is written with a plain value instead
/// and named in <see cref="SeededWorld.FieldsRefusingText"/>.
/// </summary>
public static class Seed
{
    private static readonly IdGenerator Ids = new(TimeProvider.System);

    public const string XssScript = "<script>alert(1)</script>";
    public const string XssAttribute = "\"><img src=x onerror=alert(1)>";

    /// <summary>Both payloads in one string (each user field gets it whole).</summary>
    public const string Xss = XssScript + XssAttribute;

    public static async Task<SeededWorld> WorldAsync(DashboardServer server, string text, string venture = "alpha", string repo = "alpha-console")
    {
        var took = new List<string>();
        var refused = new List<string>();
        var admin = server.Admin;

        // Sessions: one working (tool calls), one waiting for a human.
        var live = await FirstAcceptedAsync(admin, "/v1/sod", "session agent/branch", took, refused,
            new { agent = "dev-" + text, venture, repo, track = "main", branch = "feat/" + text, cli = "claude", host = "laptop-1", issue_number = 42 },
            new { agent = "dev-claude", venture, repo, track = "main", branch = "feat/login", cli = "claude", host = "laptop-1", issue_number = 42 });
        var liveId = live.GetProperty("session").GetProperty("id").GetString()!;
        var waiting = await DashboardServer.PostAsync(admin, "/v1/sod",
            new { agent = "reviewer-claude", venture, repo, track = "review", branch = "main", cli = "claude", host = "desktop-2" });
        var waitingId = waiting.GetProperty("session").GetProperty("id").GetString()!;
        await DashboardServer.PostAsync(admin, $"/v1/sessions/{liveId}/heartbeat", null);

        await FirstAcceptedAsync(admin, "/v1/events", "hook event tool", took, refused,
            Events(HookEvent(liveId, "PreToolUse", new { tool_name = "Bash" + (text == Xss ? text : ""), tool_input = new { command = "make " + text } })),
            Events(HookEvent(liveId, "PreToolUse", new { tool_name = "Bash", tool_input = new { command = "make" } })));
        await FirstAcceptedAsync(admin, "/v1/events", "hook event message", took, refused,
            Events(HookEvent(waitingId, "Notification", new { message = "Approve? " + text }, cli: "claude")),
            Events(HookEvent(waitingId, "Notification", new { message = "Approve the plan?" }, cli: "claude")));

        // An agent and tasks through their states; the succeeded one carries usage, which is the spend.
        var agent = await FirstAcceptedAsync(admin, "/v1/agents", "agent name", took, refused,
            new { name = "worker-" + text, cli = "claude", capabilities = new[] { new { name = "code", weight = 1.0 } } },
            new { name = "worker-one", cli = "claude", capabilities = new[] { new { name = "code", weight = 1.0 } } });
        var agentId = agent.GetProperty("agent").GetProperty("id").GetString()!;

        async Task<string> TaskAsync(string title)
        {
            var created = await FirstAcceptedAsync(admin, "/v1/tasks", "task title/prompt/payload", took, refused,
                new { venture, capability = "code", title = title + " " + text, prompt = "Do it: " + text, payload = new { note = text }, max_attempts = 1 },
                new { venture, capability = "code", title, prompt = "Do it", max_attempts = 1 });
            return created.GetProperty("id").GetString()!;
        }
        async Task<(string Id, long Epoch)> ClaimAsync()
        {
            var next = await DashboardServer.PostAsync(admin, $"/v1/agents/{agentId}/next", new { wait_seconds = 5 });
            var task = next.GetProperty("task");
            return (task.GetProperty("id").GetString()!, task.GetProperty("epoch").GetInt64());
        }

        var succeeded = await TaskAsync("Ship the login fix");
        var (claimed, epoch) = await ClaimAsync();
        await DashboardServer.PostAsync(admin, $"/v1/tasks/{claimed}/start", new { epoch });
        await DashboardServer.PostAsync(admin, $"/v1/tasks/{claimed}/complete", new
        {
            epoch, result = new { summary = text }, duration_ms = 1200,
            usage = new { input_tokens = 1200, output_tokens = 300, cost_usd = 0.42 },
            pr_url = "https://github.com/example-org/alpha-console/pull/7",
        });

        var failed = await TaskAsync("Flaky migration");
        (claimed, epoch) = await ClaimAsync();
        await DashboardServer.PostAsync(admin, $"/v1/tasks/{claimed}/start", new { epoch });
        await DashboardServer.PostAsync(admin, $"/v1/tasks/{claimed}/fail", new { epoch, error = new { type = "crash", message = "boom " + text } });

        var running = await TaskAsync("Refactor billing");
        (claimed, epoch) = await ClaimAsync();
        await DashboardServer.PostAsync(admin, $"/v1/tasks/{claimed}/start", new { epoch });

        var queued = await TaskAsync("Write the changelog");

        // A workflow (its engine stands still in these tests: it stays where it starts).
        string? workflowId = null;
        using (var response = await admin.PostAsJsonAsync("/v1/workflows", new { venture, repo, title = "Dark mode " + text, body = "Body " + text }))
        {
            if (response.IsSuccessStatusCode)
            {
                var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                workflowId = json.TryGetProperty("workflow", out var w) ? w.GetProperty("id").GetString() : json.GetProperty("id").GetString();
                took.Add("workflow title");
            }
            else refused.Add($"workflow ({(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()})");
        }

        var handoff = await FirstAcceptedAsync(admin, "/v1/handoffs", "handoff summary and lists", took, refused,
            new
            {
                venture, repo, from_agent = "dev-claude", summary = "Login fixed " + text, status = "done",
                accomplished = new[] { "Fixed " + text }, in_progress = new[] { "Tests " + text }, blocked = new[] { "Waiting " + text },
                next_steps = new[] { "Deploy " + text },
            },
            new { venture, repo, from_agent = "dev-claude", summary = "Login fixed", status = "done", next_steps = new[] { "Deploy" } });
        var handoffId = handoff.GetProperty("id").GetString()!;

        var note = await FirstAcceptedAsync(admin, "/v1/notes", "note title/body", took, refused,
            new { venture, title = "Deploy notes " + text, content = "Run the migration first. " + text, tags = new[] { "ops" } },
            new { venture, title = "Deploy notes", content = "Run the migration first.", tags = new[] { "ops" } });
        var noteId = (note.TryGetProperty("note", out var n) ? n : note).GetProperty("id").GetString()!;

        var alert = await FirstAcceptedAsync(admin, "/v1/alerts", "alert title and link", took, refused,
            new { venture, repo, workflow = "CI " + text, branch = "main", source = "pingdom", severity = "critical", url = "javascript:alert(1)" },
            new { venture, repo, workflow = "CI", branch = "main", source = "pingdom", severity = "critical", url = "https://ci.example.org/run/1" });
        var alertId = (alert.TryGetProperty("alert", out var a) ? a : alert).GetProperty("id").GetString()!;

        return new SeededWorld(liveId, waitingId, agentId, queued, running, succeeded, failed, workflowId, handoffId, noteId, alertId, took, refused);
    }

    public static object Events(params object[] events) => new { events };

    public static object HookEvent(string sessionId, string name, object payload, string cli = "claude") => new
    {
        id = Ids.New(IdGenerator.Event),
        cli,
        @event = name,
        occurred_at = Timestamp.ToWire(DateTimeOffset.UtcNow),
        native_session_id = "n-" + sessionId,
        session_id = sessionId,
        payload,
    };

    /// <summary>Posts <paramref name="preferred"/>; when validation refuses it (400), the plain <paramref name="fallback"/>.</summary>
    private static async Task<JsonElement> FirstAcceptedAsync(HttpClient client, string path, string field, List<string> took, List<string> refused, object preferred, object fallback)
    {
        using (var content = new StringContent(JsonSerializer.Serialize(preferred), Encoding.UTF8, "application/json"))
        using (var response = await client.PostAsync(path, content))
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                took.Add(field);
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            Assert.True((int)response.StatusCode == 400, $"POST {path} answered {(int)response.StatusCode}: {text}");
            refused.Add($"{field} ({text})");
        }
        return await DashboardServer.PostAsync(client, path, fallback);
    }
}
