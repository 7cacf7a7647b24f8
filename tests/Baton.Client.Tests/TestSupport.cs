using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Baton.Client.Tests;

/// <summary>What a <see cref="FakeServer"/> saw of one request.</summary>
public sealed record SeenRequest(int Number, string Method, string Path, string? IdempotencyKey, string? Authorization, string Body);

/// <summary>
/// A tiny real HTTP server on a loopback port whose answers a test scripts per call number — for failures the real
/// server never produces on purpose (dropped connections, gateway errors, HTML pages).
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private FakeServer(WebApplication app) => _app = app;

    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    public Uri BaseAddress => new(_app.Urls.First());

    public int Calls => Volatile.Read(ref _count);

    /// <param name="respond">Answers one call; <see cref="SeenRequest.Number"/> counts calls from 1.</param>
    public static async Task<FakeServer> StartAsync(Func<HttpContext, SeenRequest, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeServer(app);
        app.Run(async context =>
        {
            var number = Interlocked.Increment(ref server._count);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var seen = new SeenRequest(number, context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers["Idempotency-Key"].FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault(), body);
            server.Seen.Enqueue(seen);
            await respond(context, seen);
        });
        await app.StartAsync();
        return server;
    }

    public static Task Json(HttpContext context, int status, string json, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Records backoff delays instead of waiting them out.</summary>
public sealed class RecordedDelays
{
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public Task Delay(TimeSpan delay, CancellationToken ct)
    {
        Delays.Enqueue(delay);
        return Task.CompletedTask;
    }
}
