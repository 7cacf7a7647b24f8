using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Client;

/// <summary>
/// Server mode: Core's service interfaces over Baton's HTTP API (docs/architecture.md §7). Every mutating call carries an
/// <c>Idempotency-Key</c> made once per logical call and reused by its retries, so a retried EOD or handoff is replayed
/// by the server instead of written twice. Transient failures (no connection, a timeout, 502/503/504, a request with
/// the same key still in flight) are retried with bounded exponential backoff and jitter. Failures reach the caller as
/// <see cref="BatonException"/> with the server's code and detail, exactly as local mode throws them.
/// </summary>
public sealed partial class BatonHttpClient : ISessionService, IHandoffService, IVentureService, IKeyService, INoteService, IDocService, IMachineService, IAlertService, ICadenceService,
    IAgentService, ITaskService, IActivityService, IClaimService, Baton.Core.Spend.ISpendService, IDisposable
{
    private readonly HttpClient _http;
    private readonly BatonClientOptions _options;
    private readonly Uri _base;

    /// <param name="handler">For tests; null uses a <see cref="SocketsHttpHandler"/> owned by this client.</param>
    public BatonHttpClient(BatonClientOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _base = BaseOf(options.BaseAddress);
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }, disposeHandler: true)
        {
            // Per-attempt timeouts are ours (AttemptTimeout), so a timeout is retried like any transient failure.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri BaseAddress => _base;

    /// <summary>The base every path is resolved under: the address with a trailing slash, so a base that has a path (a reverse-proxy prefix) keeps it.</summary>
    public static Uri BaseOf(Uri address)
    {
        var text = address.ToString();
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <summary>The most a server holds <c>POST /v1/agents/{id}/next</c> (its default wait when none is sent).</summary>
    private const int LongPollMaxSeconds = 30;

    // ---- sessions ----

    public Task<SodResponse> SodAsync(SodRequest request, CancellationToken ct) =>
        SendAsync<SodResponse>(HttpMethod.Post, "v1/sod", request, ct);

    public Task<BriefingPreview> PreviewBriefingAsync(BriefingPreviewRequest request, CancellationToken ct) =>
        SendAsync<BriefingPreview>(HttpMethod.Post, "v1/briefing/preview", request, ct);

    public Task<HeartbeatResponse> HeartbeatAsync(string sessionId, CancellationToken ct) =>
        SendAsync<HeartbeatResponse>(HttpMethod.Post, $"v1/sessions/{Segment(sessionId)}/heartbeat", new JsonObject(), ct);

    public Task<HeartbeatResponse> UpdateAsync(string sessionId, UpdateSessionRequest request, CancellationToken ct) =>
        SendAsync<HeartbeatResponse>(HttpMethod.Post, $"v1/sessions/{Segment(sessionId)}/update", request, ct);

    public Task<EodResponse> EodAsync(EodRequest request, CancellationToken ct) =>
        SendAsync<EodResponse>(HttpMethod.Post, "v1/eod", request, ct);

    public Task<Session> GetSessionAsync(string sessionId, CancellationToken ct) =>
        SendAsync<Session>(HttpMethod.Get, $"v1/sessions/{Segment(sessionId)}", null, ct);

    public Task<Page<Session>> ListSessionsAsync(SessionListRequest request, CancellationToken ct) =>
        SendAsync<Page<Session>>(HttpMethod.Get, "v1/sessions" + Query(
            ("venture", request.Venture),
            ("status", request.Status is { } status ? JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()) : null),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    // ---- handoffs ----

    public Task<HandoffReceipt> CreateHandoffAsync(CreateHandoffRequest request, CancellationToken ct) =>
        SendAsync<HandoffReceipt>(HttpMethod.Post, "v1/handoffs", request, ct);

    public Task<Page<Handoff>> ListHandoffsAsync(HandoffListRequest request, CancellationToken ct) =>
        SendAsync<Page<Handoff>>(HttpMethod.Get, "v1/handoffs" + Query(
            ("venture", request.Venture),
            ("repo", request.Repo),
            ("track", request.Track),
            ("issue_number", request.IssueNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    // ---- ventures ----

    public async Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct) =>
        ItemsOf<Venture>(await SendAsync<JsonNode>(HttpMethod.Get, "v1/ventures", null, ct));

    public Task<Venture> GetVentureAsync(string code, CancellationToken ct) =>
        SendAsync<Venture>(HttpMethod.Get, $"v1/ventures/{Segment(code)}", null, ct);

    public Task<Venture> PutVentureAsync(string code, PutVentureRequest request, CancellationToken ct) =>
        SendAsync<Venture>(HttpMethod.Put, $"v1/ventures/{Segment(code)}", request, ct);

    // ---- keys ----

    public Task<CreatedKey> CreateKeyAsync(CreateKeyRequest request, CancellationToken ct) =>
        SendAsync<CreatedKey>(HttpMethod.Post, "v1/admin/keys", request, ct);

    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(CancellationToken ct) =>
        ItemsOf<ApiKeyInfo>(await SendAsync<JsonNode>(HttpMethod.Get, "v1/admin/keys", null, ct));

    public Task<ApiKeyInfo> RevokeKeyAsync(string id, CancellationToken ct) =>
        SendAsync<ApiKeyInfo>(HttpMethod.Delete, $"v1/admin/keys/{Segment(id)}", null, ct);

    // ---- notes ----

    public Task<Note> CreateNoteAsync(CreateNoteRequest request, CancellationToken ct) =>
        SendAsync<Note>(HttpMethod.Post, "v1/notes", request, ct);

    public Task<Note> UpdateNoteAsync(string id, UpdateNoteRequest request, CancellationToken ct) =>
        SendAsync<Note>(HttpMethod.Put, $"v1/notes/{Segment(id)}", request, ct);

    public Task<Note> ArchiveNoteAsync(string id, CancellationToken ct) =>
        SendAsync<Note>(HttpMethod.Post, $"v1/notes/{Segment(id)}/archive", new JsonObject(), ct);

    public Task<Note> GetNoteAsync(string id, CancellationToken ct) =>
        SendAsync<Note>(HttpMethod.Get, $"v1/notes/{Segment(id)}", null, ct);

    public Task<Page<NoteHit>> SearchNotesAsync(NoteSearchRequest request, CancellationToken ct) =>
        SendAsync<Page<NoteHit>>(HttpMethod.Get, "v1/notes" + Query(
            ("q", request.Q),
            ("tag", request.Tag),
            ("venture", request.Venture),
            ("include_global", Flag(request.IncludeGlobal)),
            ("include_archived", Flag(request.IncludeArchived)),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    // ---- alerts, cadence, webhooks, version (issue 7) ----

    public Task<AlertListResponse> ListAlertsAsync(AlertListRequest request, CancellationToken ct) =>
        SendAsync<AlertListResponse>(HttpMethod.Get, "v1/alerts" + Query(
            ("venture", request.Venture),
            ("status", request.Status is { } status ? JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()) : null),
            ("branch", request.Branch),
            ("all_branches", Flag(request.AllBranches)),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<Alert> CreateAlertAsync(CreateAlertRequest request, CancellationToken ct) =>
        SendAsync<Alert>(HttpMethod.Post, "v1/alerts", request, ct);

    public Task<Alert> ResolveAlertAsync(string id, ResolveAlertRequest request, CancellationToken ct) =>
        SendAsync<Alert>(HttpMethod.Post, $"v1/alerts/{Segment(id)}/resolve", request, ct);

    public Task<WebhookSecretSet> SetWebhookSecretAsync(SetWebhookSecretRequest request, CancellationToken ct) =>
        SendAsync<WebhookSecretSet>(HttpMethod.Put, "v1/admin/webhooks/github/secret", request, ct);

    public Task<ListResult<CadenceView>> ListCadenceAsync(string? venture, CancellationToken ct) =>
        SendAsync<ListResult<CadenceView>>(HttpMethod.Get, "v1/cadence" + Query(("venture", venture)), null, ct);

    public Task<CadenceView> CreateCadenceAsync(CreateCadenceRequest request, CancellationToken ct) =>
        SendAsync<CadenceView>(HttpMethod.Post, "v1/cadence", request, ct);

    public Task<CadenceView> MarkCadenceDoneAsync(string id, CancellationToken ct) =>
        SendAsync<CadenceView>(HttpMethod.Post, $"v1/cadence/{Segment(id)}/done", new JsonObject(), ct);

    /// <summary><c>GET /v1/version</c>: build version and commit, and the live schema hash against the expected one.</summary>
    public Task<JsonNode> GetVersionAsync(CancellationToken ct) => SendAsync<JsonNode>(HttpMethod.Get, "v1/version", null, ct);

    // ---- docs ----

    public Task<DocPutResponse> PutDocAsync(string scope, string name, PutDocRequest request, CancellationToken ct) =>
        SendAsync<DocPutResponse>(HttpMethod.Put, $"v1/admin/docs/{Segment(scope)}/{Segment(name)}", request, ct);

    public Task<Doc> GetDocAsync(string scope, string name, int? version, CancellationToken ct) =>
        SendAsync<Doc>(HttpMethod.Get, $"v1/docs/{Segment(scope)}/{Segment(name)}" + Query(
            ("version", version?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, ct);

    public Task<ListResult<DocSummary>> ListDocsAsync(string? venture, CancellationToken ct) =>
        SendAsync<ListResult<DocSummary>>(HttpMethod.Get, "v1/docs" + Query(("venture", venture)), null, ct);

    public Task<ListResult<DocHit>> SearchDocsAsync(DocSearchRequest request, CancellationToken ct) =>
        SendAsync<ListResult<DocHit>>(HttpMethod.Get, "v1/docs/search" + Query(("q", request.Q), ("venture", request.Venture),
            ("limit", request.Limit?.ToString(CultureInfo.InvariantCulture))), null, ct);

    public Task<DocAuditResult> AuditAsync(string venture, CancellationToken ct) =>
        SendAsync<DocAuditResult>(HttpMethod.Get, "v1/docs/audit" + Query(("venture", venture)), null, ct);

    public async Task<IReadOnlyList<DocRequirement>> ListRequirementsAsync(CancellationToken ct) =>
        ItemsOf<DocRequirement>(await SendAsync<JsonNode>(HttpMethod.Get, "v1/admin/doc-requirements", null, ct));

    public Task<DocRequirement> PutRequirementAsync(string? id, DocRequirementRequest request, CancellationToken ct) =>
        id is null
            ? SendAsync<DocRequirement>(HttpMethod.Post, "v1/admin/doc-requirements", request, ct)
            : SendAsync<DocRequirement>(HttpMethod.Put, $"v1/admin/doc-requirements/{Segment(id)}", request, ct);

    // The server answers with the deleted requirement; the interface promises only that it is gone.
    public Task DeleteRequirementAsync(string id, CancellationToken ct) =>
        SendAsync<JsonNode>(HttpMethod.Delete, $"v1/admin/doc-requirements/{Segment(id)}", null, ct);

    // ---- machines ----

    public Task<MachineRegistration> RegisterMachineAsync(RegisterMachineRequest request, CancellationToken ct) =>
        SendAsync<MachineRegistration>(HttpMethod.Post, "v1/machines", request, ct);

    public Task<MachineInfo> HeartbeatMachineAsync(string id, CancellationToken ct) =>
        SendAsync<MachineInfo>(HttpMethod.Post, $"v1/machines/{Segment(id)}/heartbeat", new JsonObject(), ct);

    public Task<MachineInfo> GetMachineAsync(string id, CancellationToken ct) =>
        SendAsync<MachineInfo>(HttpMethod.Get, $"v1/machines/{Segment(id)}", null, ct);

    public Task<Page<MachineInfo>> ListMachinesAsync(MachineListRequest request, CancellationToken ct) =>
        SendAsync<Page<MachineInfo>>(HttpMethod.Get, "v1/machines" + Query(
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    // ---- hook events and the waiting queue (issue 15) ----

    public Task<RecordEventsResponse> RecordEventsAsync(RecordEventsRequest request, CancellationToken ct) =>
        SendAsync<RecordEventsResponse>(HttpMethod.Post, "v1/events", request, ct);

    public Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, EventListRequest request, CancellationToken ct) =>
        SendAsync<Page<HookEvent>>(HttpMethod.Get, $"v1/sessions/{Segment(sessionId)}/events" + Query(
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<Page<WaitingSession>> ListWaitingAsync(WaitingListRequest request, CancellationToken ct) =>
        SendAsync<Page<WaitingSession>>(HttpMethod.Get, "v1/waiting" + Query(
            ("venture", request.Venture),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public async Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        if (sessionIds.Count == 0) return [];
        return await SendAsync<List<HookEvent>>(HttpMethod.Get, "v1/events/latest" + Query(("sessions", string.Join(',', sessionIds))), null, ct);
    }

    // ---- agents and contexts (issue 14) ----

    public Task<AgentRegistration> RegisterAgentAsync(RegisterAgentRequest request, CancellationToken ct) =>
        SendAsync<AgentRegistration>(HttpMethod.Post, "v1/agents", request, ct);

    public Task<AgentInfo> GetAgentAsync(string idOrName, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Get, $"v1/agents/{Segment(idOrName)}", null, ct);

    public Task<Page<AgentInfo>> ListAgentsAsync(AgentListRequest request, CancellationToken ct) =>
        SendAsync<Page<AgentInfo>>(HttpMethod.Get, "v1/agents" + Query(
            ("include_removed", Flag(request.IncludeRemoved)),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<AgentInfo> HeartbeatAgentAsync(string id, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Post, $"v1/agents/{Segment(id)}/heartbeat", new JsonObject(), ct);

    public Task<AgentInfo> PauseAgentAsync(string id, PauseAgentRequest request, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Post, $"v1/agents/{Segment(id)}/pause", request, ct);

    public Task<AgentInfo> ResumeAgentAsync(string id, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Post, $"v1/agents/{Segment(id)}/resume", new JsonObject(), ct);

    public Task<AgentInfo> RemoveAgentAsync(string id, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Delete, $"v1/agents/{Segment(id)}", null, ct);

    public Task<AgentInfo> ReportHealthAsync(string id, ReportHealthRequest request, CancellationToken ct) =>
        SendAsync<AgentInfo>(HttpMethod.Post, $"v1/agents/{Segment(id)}/health", request, ct);

    /// <summary>
    /// The long poll. The server may hold it for the whole wait (default and most 30 s, the same as the usual attempt
    /// timeout), so this one attempt may take the wait plus the usual <see cref="BatonClientOptions.AttemptTimeout"/>:
    /// an empty wait must come back as <c>{"task": null}</c>, not as a timeout that is retried.
    /// </summary>
    public Task<NextTaskResponse> NextTaskAsync(string id, NextTaskRequest request, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(Math.Clamp(request.WaitSeconds ?? LongPollMaxSeconds, 0, LongPollMaxSeconds));
        return SendAsync<NextTaskResponse>(HttpMethod.Post, $"v1/agents/{Segment(id)}/next", request, ct, wait + _options.AttemptTimeout);
    }

    public Task<RepoContext> ReportContextAsync(ReportContextRequest request, CancellationToken ct) =>
        SendAsync<RepoContext>(HttpMethod.Post, "v1/contexts", request, ct);

    public Task<ListResult<RepoContext>> ListContextsAsync(string? machineId, string? repo, CancellationToken ct) =>
        SendAsync<ListResult<RepoContext>>(HttpMethod.Get, "v1/contexts" + Query(("machine_id", machineId), ("repo", repo)), null, ct);

    public Task<ListResult<ResultHistory>> ListResultHistoryAsync(ResultHistoryRequest request, CancellationToken ct) =>
        SendAsync<ListResult<ResultHistory>>(HttpMethod.Get, "v1/agent-history" + Query(
            ("agent_id", request.AgentIds is null ? null : string.Join(',', request.AgentIds)),
            ("per_capability", request.PerCapability?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, ct);

    // ---- tasks (issue 14) ----

    public Task<BatonTask> CreateTaskAsync(CreateTaskRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, "v1/tasks", request, ct);

    public Task<BatonTask> GetTaskAsync(string id, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Get, $"v1/tasks/{Segment(id)}", null, ct);

    public Task<Page<BatonTask>> ListTasksAsync(TaskListRequest request, CancellationToken ct) =>
        SendAsync<Page<BatonTask>>(HttpMethod.Get, "v1/tasks" + Query(
            ("venture", request.Venture),
            ("state", request.State is { } state ? JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString()) : null),
            ("capability", request.Capability),
            ("agent", request.Agent),
            ("limit", request.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("cursor", request.Cursor)), null, ct);

    public Task<TaskCounts> CountTasksAsync(string? venture, CancellationToken ct) =>
        SendAsync<TaskCounts>(HttpMethod.Get, "v1/tasks/counts" + Query(("venture", venture)), null, ct);

    public Task<ListResult<TaskEvent>> ListTaskEventsAsync(string id, CancellationToken ct) =>
        SendAsync<ListResult<TaskEvent>>(HttpMethod.Get, $"v1/tasks/{Segment(id)}/events", null, ct);

    public Task<ListResult<TaskResult>> ListTaskResultsAsync(string id, CancellationToken ct) =>
        SendAsync<ListResult<TaskResult>>(HttpMethod.Get, $"v1/tasks/{Segment(id)}/results", null, ct);

    public Task<ListResult<TaskReview>> ListTaskReviewsAsync(string id, CancellationToken ct) =>
        SendAsync<ListResult<TaskReview>>(HttpMethod.Get, $"v1/tasks/{Segment(id)}/reviews", null, ct);

    public Task<TaskExplanation> ExplainTaskAsync(string id, CancellationToken ct) =>
        SendAsync<TaskExplanation>(HttpMethod.Get, $"v1/tasks/{Segment(id)}/explain", null, ct);

    public Task<BatonTask> StartTaskAsync(string id, LeaseRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/start", request, ct);

    public Task<RenewResponse> RenewTaskAsync(string id, LeaseRequest request, CancellationToken ct) =>
        SendAsync<RenewResponse>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/renew", request, ct);

    public Task<BatonTask> CompleteTaskAsync(string id, CompleteTaskRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/complete", request, ct);

    public Task<BatonTask> FailTaskAsync(string id, FailTaskRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/fail", request, ct);

    public Task<BatonTask> CancelTaskAsync(string id, CancelTaskRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/cancel", request, ct);

    public Task<BatonTask> RetryTaskAsync(string id, RetryTaskRequest request, CancellationToken ct) =>
        SendAsync<BatonTask>(HttpMethod.Post, $"v1/tasks/{Segment(id)}/retry", request, ct);

    public void Dispose()
    {
        _http.Dispose();
    }

    // ---- the one request path ----

    /// <summary>
    /// Sends one logical call, retrying transient failures. The body is serialised once and the Idempotency-Key made
    /// once, so every attempt is byte-for-byte the same request and the server can replay instead of repeating it.
    /// </summary>
    /// <param name="attemptTimeout">This call's per-attempt timeout; null: <see cref="BatonClientOptions.AttemptTimeout"/>.</param>
    private async Task<T> SendAsync<T>(HttpMethod method, string relative, object? body, CancellationToken ct, TimeSpan? attemptTimeout = null)
    {
        var perAttempt = attemptTimeout ?? _options.AttemptTimeout;
        var url = new Uri(_base, relative);
        var idempotencyKey = method == HttpMethod.Get ? null : _options.NewIdempotencyKey();
        var correlationId = IdGenerator.NewCorrelationId();
        var content = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), BatonJson.Options);

        for (var attempt = 1; ; attempt++)
        {
            BatonException lastFailure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(perAttempt);
                using var request = BuildRequest(method, url, content, idempotencyKey, correlationId);
                try
                {
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    if (response.IsSuccessStatusCode) return Deserialize<T>(bytes, url);

                    var failure = MapFailure(response, bytes, url);
                    if (!IsTransient(response.StatusCode, failure.Code)) throw failure;
                    lastFailure = failure;
                }
                catch (HttpRequestException ex)
                {
                    lastFailure = Unreachable(url, Describe(ex), attempt);
                }
                catch (IOException)
                {
                    lastFailure = Unreachable(url, "the connection broke while reading the answer", attempt);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    lastFailure = Unreachable(url, $"no answer within {perAttempt.TotalSeconds:0.#} s", attempt);
                }
            }

            if (attempt >= _options.MaxAttempts) throw lastFailure;
            await _options.Delay(RetryBackoff.DelayFor(attempt, _options.BaseDelay, _options.MaxDelay, _options.Random.NextDouble()), ct);
        }
    }

    private HttpRequestMessage BuildRequest(HttpMethod method, Uri url, byte[]? content, string? idempotencyKey, string correlationId)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", correlationId);
        if (_options.Key is { Length: > 0 } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return request;
    }

    /// <summary>
    /// Retried: gateway and availability failures, and "the same key is still in flight" (a retry that overtook its
    /// own timed-out first attempt: waiting lets the server finish and then replay the first answer).
    /// </summary>
    private static bool IsTransient(HttpStatusCode status, string code) =>
        // github_failed is a 502 too, but it is gh's answer (not found, not authenticated): asking again gets the same.
        (status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && code != ErrorCodes.GitHubFailed)
        || code == ErrorCodes.IdempotencyKeyInFlight;

    private static T Deserialize<T>(byte[] bytes, Uri url)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, BatonJson.Options)
                   ?? throw new JsonException("The answer was null.");
        }
        catch (JsonException)
        {
            throw new BatonException(ErrorCodes.Unavailable,
                $"{url} answered with a body this client does not understand. Is BATON_URL pointing at a Baton server of a matching version?");
        }
    }

    /// <summary>Lists come as <c>{"items": [...]}</c>; a bare array is accepted too.</summary>
    private static IReadOnlyList<T> ItemsOf<T>(JsonNode node)
    {
        var array = node as JsonArray ?? node["items"] as JsonArray ?? [];
        return array.Deserialize<List<T>>(BatonJson.Options) ?? [];
    }

    /// <summary>
    /// Turns a failed answer into the exception local mode would throw: problem+json keeps its code, detail and field
    /// errors; 401 says how to fix the key; anything else (an HTML page, a proxy error) is <c>unavailable</c> and names
    /// the URL, because it means we are not talking to a working Baton server.
    /// </summary>
    internal BatonException MapFailure(HttpResponseMessage response, byte[] bytes, Uri url)
    {
        var problem = TryReadProblem(response, bytes);

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var detail = string.IsNullOrEmpty(_options.Key)
                ? $"{_base} needs an API key and none was sent: set BATON_KEY (an admin makes one with `baton keys create`; the first admin key is in <data-dir>/admin.key on the server)."
                : $"{_base} refused the API key (unknown or revoked): set BATON_KEY to a valid key (an admin makes one with `baton keys create`).";
            return new BatonException(ErrorCodes.Unauthorized, detail);
        }

        if (problem is not null) return problem;

        var status = (int)response.StatusCode;
        return new BatonException(ErrorCodes.Unavailable,
            $"{response.RequestMessage?.Method} {url} failed with HTTP {status} {response.ReasonPhrase} and no Baton error. " +
            "Is `baton serve` running there, and is BATON_URL right?");
    }

    private static BatonException? TryReadProblem(HttpResponseMessage response, byte[] bytes)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not ("application/problem+json" or "application/json") || bytes.Length == 0) return null;
        try
        {
            if (JsonNode.Parse(bytes) is not JsonObject body) return null;
            var code = body["code"]?.GetValue<string>();
            if (code is null && mediaType != "application/problem+json") return null;
            code ??= CodeForStatus((int)response.StatusCode);
            var detail = body["detail"]?.GetValue<string>() ?? body["title"]?.GetValue<string>() ?? ErrorCodes.TitleOf(code);
            Dictionary<string, string[]>? errors = null;
            if (body["errors"] is JsonObject fields)
            {
                errors = fields.ToDictionary(
                    f => f.Key,
                    f => f.Value is JsonArray messages
                        ? messages.Select(m => m?.ToString() ?? "").ToArray()
                        : [f.Value?.ToString() ?? ""]);
            }
            return new BatonException(code, detail, errors);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string CodeForStatus(int status) =>
        ErrorCodes.All.FirstOrDefault(code => ErrorCodes.StatusOf(code) == status) ?? ErrorCodes.Unavailable;

    private static BatonException Unreachable(Uri url, string why, int attempts) =>
        new(ErrorCodes.Unavailable,
            $"Could not reach Baton at {url} ({why}; {attempts} attempt{(attempts == 1 ? "" : "s")}). " +
            "Is `baton serve` running there, and is BATON_URL right? Unset BATON_URL to work in local mode.");

    private static string Describe(HttpRequestException ex)
    {
        if (ex.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.TryAgain => "host not found",
                SocketError.TimedOut => "connection timed out",
                _ => "connection failed: " + socket.SocketErrorCode,
            };
        }
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "the server closed the connection",
            _ => "request failed",
        };
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>Booleans in a query string as the server reads them (lowercase, as JSON writes them).</summary>
    private static string? Flag(bool? value) => value switch { null => null, true => "true", false => "false" };

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value)) continue;
            builder.Append(builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return builder.ToString();
    }
}
