using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Baton.Local.Diagnostics;

namespace Baton.Mcp.Hosting;

/// <summary>
/// MCP's stdio framing — one JSON-RPC message per line — over an input and an output stream, with the three things the
/// SDK's stream transport does not do for <c>baton mcp</c>: a line that is not JSON-RPC gets its JSON-RPC error (the
/// SDK answers only lines whose id it can recover, and never with a null id); an answer to a request read before the
/// end of input is still written after it (the SDK stops writing at end of input, so a client that writes its requests
/// and closes stdin at once got nothing back although the work was done); and <see cref="InputDrained"/> tells the host
/// when the input has ended and every answer owed has been written, so it can stop the server even while a request that
/// stays open by design (<c>subscriptions/listen</c>) is pending — the SDK waits for that one for ever.
/// </summary>
public sealed class JsonRpcLineTransport : TransportBase
{
    /// <summary>
    /// Requests the client keeps open for the life of the connection (the 2026-07-28 revision's notification stream):
    /// nothing is owed on them when the client goes away, so they never hold the server after the end of input.
    /// </summary>
    public static readonly IReadOnlySet<string> OpenEndedMethods = new HashSet<string>(StringComparer.Ordinal) { "subscriptions/listen" };

    /// <summary>
    /// How long answers owed at the end of input are waited for. A tool call that hangs past this (a dead server in
    /// server mode, a stuck <c>gh</c>) must not keep an orphaned process alive; every Baton tool answers well within it.
    /// </summary>
    public static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(30);

    private static readonly JsonTypeInfo MessageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));
    private static readonly JsonTypeInfo CancelledType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CancelledNotificationParams));
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly ILogger _logger;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestId, string> _owed = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inputEnded;
    private int _disposed;

    public JsonRpcLineTransport(Stream input, Stream output, ILoggerFactory? loggerFactory = null)
        : base("baton stdio", loggerFactory)
    {
        _logger = loggerFactory?.CreateLogger<JsonRpcLineTransport>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _input = input;
        _output = output;
        SetConnected();
        _ = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes once the input has ended and every request read before it is answered (or <see cref="AnswerGrace"/> has passed).</summary>
    public Task InputDrained => _drained.Task;

    public override async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        if (!IsConnected) return;
        await WriteLineAsync(JsonSerializer.SerializeToUtf8Bytes(message, MessageType), cancellationToken);
        if (StartupTrace.Enabled) StartupTrace.Mark($"mcp sent {(message is JsonRpcMessageWithId { Id: var id } ? "answer " + id : "notification")}");
        if (message is JsonRpcResponse or JsonRpcError) Settle(((JsonRpcMessageWithId)message).Id);
    }

    private async Task ReadLoopAsync()
    {
        var token = _stop.Token;
        Exception? failure = null;
        try
        {
            using var reader = new StreamReader(_input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (await reader.ReadLineAsync(token) is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line)) await AcceptAsync(line, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: the host is stopping.
        }
        catch (IOException ex)
        {
            // The client's end of the pipe broke: as good as the end of input.
            _logger.LogDebug(ex, "stdin failed; treating it as the end of input");
        }
        catch (Exception ex)
        {
            failure = ex;
            _logger.LogError(ex, "reading stdin failed");
        }
        finally
        {
            EndOfInput();
            if (failure is not null) SetDisconnected(failure);
        }
    }

    private async Task AcceptAsync(string line, CancellationToken ct)
    {
        JsonRpcMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, MessageType) as JsonRpcMessage;
            if (StartupTrace.Enabled) StartupTrace.Mark($"mcp read {(message as JsonRpcRequest)?.Method ?? "a message"}");
        }
        catch (JsonException)
        {
            message = null;
        }
        if (message is null)
        {
            await WriteLineAsync(JsonSerializer.SerializeToUtf8Bytes(ErrorFor(line), MessageType), ct);
            return;
        }

        switch (message)
        {
            case JsonRpcRequest request when !OpenEndedMethods.Contains(request.Method):
                lock (_gate) _owed[request.Id] = request.Method;
                break;
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification } cancelled
                when CancelledRequestOrNull(cancelled) is { } id:
                // The client takes back a request: no answer is owed on it any more (the SDK sends none).
                Settle(id);
                break;
        }
        await WriteMessageAsync(message, ct);
    }

    /// <summary>
    /// JSON-RPC 2.0 §5.1: a line that is not JSON is a parse error (-32700); JSON that is not a request, notification or
    /// response is an invalid request (-32600). The id is null unless the line carries one that can be read.
    /// </summary>
    public static JsonRpcError ErrorFor(string line)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return Error(default, McpErrorCode.ParseError, "Parse error: the line is not JSON. Send one JSON-RPC 2.0 message per line.");
        }
        var id = node is JsonObject o && o["id"] is JsonValue value
            ? value.TryGetValue(out string? text) ? new RequestId(text) : value.TryGetValue(out long number) ? new RequestId(number) : default
            : default;
        return Error(id, McpErrorCode.InvalidRequest, "Invalid Request: the line is JSON but not a JSON-RPC 2.0 request, notification or response.");
    }

    private static JsonRpcError Error(RequestId id, McpErrorCode code, string text) =>
        new() { Id = id, Error = new JsonRpcErrorDetail { Code = (int)code, Message = text } };

    private static RequestId? CancelledRequestOrNull(JsonRpcNotification notification)
    {
        try
        {
            return notification.Params?.Deserialize(CancelledType) is CancelledNotificationParams { RequestId: var id } ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task WriteLineAsync(byte[] json, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await _output.WriteAsync(json, ct);
            await _output.WriteAsync(NewLine, ct);
            await _output.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Settle(RequestId id)
    {
        lock (_gate)
        {
            _owed.Remove(id);
            if (_inputEnded && _owed.Count == 0) _drained.TrySetResult();
        }
    }

    private void EndOfInput()
    {
        string[] owed;
        lock (_gate)
        {
            _inputEnded = true;
            if (_owed.Count == 0)
            {
                _drained.TrySetResult();
                return;
            }
            owed = [.. _owed.Values];
        }
        _logger.LogDebug("end of input with {Count} answer(s) owed ({Methods})", owed.Length, string.Join(", ", owed));
        _ = Task.Delay(AnswerGrace, _stop.Token).ContinueWith(t =>
        {
            if (!t.IsCanceled && _drained.TrySetResult())
                _logger.LogWarning("stopping with requests unanswered {Grace} after the end of input", AnswerGrace);
        }, TaskScheduler.Default);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // The read loop is not awaited: a read of stdin blocked in the kernel does not wake for a cancellation and may
        // only end with the process. After the end of input it has long finished.
        await _stop.CancelAsync();
        SetDisconnected();
    }
}
