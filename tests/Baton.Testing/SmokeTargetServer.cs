using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Baton.Testing;

/// <summary>
/// A real HTTP server on a loopback port for smoke checks (VALIDATE): each path answers as a test sets it — healthy
/// (200), failing (500, 503…), slow (it waits before answering), a redirect — and can be flipped while a test runs.
/// <c>/healthz</c> and <c>/readyz</c> start healthy; any other path not set answers 404. Every request is recorded.
/// A bare HTTP/1.1 responder over a <see cref="TcpListener"/> (Baton.Testing must not need ASP.NET): one request per
/// connection, <c>Connection: close</c>.
/// </summary>
public sealed class SmokeTargetServer : IAsyncDisposable, IDisposable
{
    /// <summary>How a path answers.</summary>
    public sealed record Answer(int Status, TimeSpan Delay, string Body, string? Location = null);

    /// <summary>One request the server read: method, path with its query, and when.</summary>
    public sealed record Request(string Method, string Target, DateTimeOffset At);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly ConcurrentDictionary<Task, bool> _handlers = new();
    private readonly Task _accepting;

    public SmokeTargetServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Healthy("/healthz");
        Healthy("/readyz");
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>, no trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string Url(string path) => BaseUrl + (path.StartsWith('/') ? path : "/" + path);

    /// <summary>The requests read so far, oldest first.</summary>
    public IReadOnlyList<Request> Requests => _requests.ToArray();

    /// <summary>How many requests asked for <paramref name="path"/> (the query left out).</summary>
    public int CountOf(string path) => _requests.Count(r => PathOf(r.Target) == path);

    public void Set(string path, Answer answer) => _answers[path] = answer;

    public void Healthy(string path) => Set(path, new Answer(200, TimeSpan.Zero, "ok"));

    public void Failing(string path, int status = 503) => Set(path, new Answer(status, TimeSpan.Zero, "failing"));

    /// <summary>Answers 200, but only after <paramref name="delay"/> (longer than the checker's timeout, to test it).</summary>
    public void Slow(string path, TimeSpan delay) => Set(path, new Answer(200, delay, "slow"));

    public void Redirect(string path, string location, int status = 302) => Set(path, new Answer(status, TimeSpan.Zero, "", location));

    /// <summary>
    /// A URL on a loopback port nothing listens on (a connection to it is refused): the port was free a moment ago and
    /// the kernel does not hand it out again at once.
    /// </summary>
    public static string RefusedUrl(string path = "/healthz")
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}{path}";
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var handler = HandleAsync(client);
            _handlers[handler] = true;
            _ = handler.ContinueWith(t => _handlers.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream, _stop.Token);
                if (head is null) return;
                var requestLine = head.Split("\r\n", 2)[0].Split(' ');
                if (requestLine.Length < 2) return;
                var (method, target) = (requestLine[0], requestLine[1]);
                _requests.Enqueue(new Request(method, target, DateTimeOffset.UtcNow));

                var answer = _answers.TryGetValue(PathOf(target), out var set) ? set : new Answer(404, TimeSpan.Zero, "not found");
                // The slow answer: the server under test is what sleeps here, not the test.
                if (answer.Delay > TimeSpan.Zero) await Task.Delay(answer.Delay, _stop.Token);

                var body = Encoding.UTF8.GetBytes(answer.Body);
                var response = new StringBuilder()
                    .Append("HTTP/1.1 ").Append(answer.Status).Append(' ').Append(Reason(answer.Status)).Append("\r\n")
                    .Append("Content-Type: text/plain; charset=utf-8\r\n")
                    .Append("Content-Length: ").Append(body.Length).Append("\r\n")
                    .Append("Connection: close\r\n");
                if (answer.Location is not null) response.Append("Location: ").Append(answer.Location).Append("\r\n");
                response.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The checker gave up (its timeout) or the server is stopping: nothing to answer to.
            }
        }
    }

    // The request line and headers, up to the blank line (a GET has no body); null when the client closed first.
    private static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0) return null;
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal)) return text;
        }
        return null;
    }

    private static string PathOf(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_handlers.Keys);
        _stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
