using System.Net;
using System.Text.Json;

namespace Baton.Server.Tests.Support;

/// <summary>One Server-Sent Event as the stream wrote it; <see cref="Json"/> parses its data.</summary>
internal sealed record SseEvent(string? Id, string Event, string Data)
{
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Data);
            return document.RootElement.Clone();
        }
    }

    public long Seq => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);

    public string? Subject => Event == "reset" ? null : Json.GetProperty("subject").GetString();

    public string? Venture => Event == "reset" ? null : Json.GetProperty("venture").GetString();
}

/// <summary>
/// An open <c>/v1/events/stream</c> read as a browser's EventSource would (headers first, then line by line), for
/// tests: <see cref="NextAsync"/> waits for the next event, bounded by the shared test timeout.
/// </summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The <c>retry:</c> value seen, if any.</summary>
    public string? Retry { get; private set; }

    /// <summary>Opens the stream and returns once its headers arrived (the server has subscribed by then).</summary>
    public static async Task<SseStream> OpenAsync(HttpClient client, string path = "/v1/events/stream", string? lastEventId = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        configure?.Invoke(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        if (response.StatusCode != HttpStatusCode.OK) return new SseStream(response, StreamReader.Null);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestTimeouts.Token()));
        return new SseStream(response, reader);
    }

    /// <summary>The next event (comments and the retry line skipped).</summary>
    public async Task<SseEvent> NextAsync()
    {
        string? id = null, name = null;
        var data = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(_timeout.Token)
                ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (data.Count > 0) return new SseEvent(id, name ?? "message", string.Join('\n', data));
                id = null;
                name = null;
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Add(value); break;
                case "retry": Retry = value; break;
            }
        }
    }

    /// <summary>Events up to and including the first that matches; every one read is returned, in order.</summary>
    public async Task<List<SseEvent>> UntilAsync(Func<SseEvent, bool> match)
    {
        var seen = new List<SseEvent>();
        while (true)
        {
            var next = await NextAsync();
            seen.Add(next);
            if (match(next)) return seen;
        }
    }

    /// <summary>Whether the stream has ended (the server closed it), waiting for the end.</summary>
    public async Task<string?> ReadToEndAsync() => await _reader.ReadToEndAsync(_timeout.Token);

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _timeout.Dispose();
        return ValueTask.CompletedTask;
    }
}
