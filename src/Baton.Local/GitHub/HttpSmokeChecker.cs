using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Baton.Core.Workflows;

namespace Baton.Local.GitHub;

/// <summary>
/// VALIDATE's smoke checks (docs/architecture.md §17): a <c>GET</c> of every endpoint at once, each within the timeout;
/// a 2xx answer passes. Redirects are not followed: a deployed health endpoint that redirects (to a login page, to
/// https) is reported with its status and where it points, not silently judged by the page it leads to.
/// </summary>
public sealed class HttpSmokeChecker : ISmokeChecker, IDisposable
{
    private readonly HttpClient _client;

    public HttpSmokeChecker() : this(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        // Each check is one request; a pooled connection to a service that was just redeployed could be a dead one.
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        UseCookies = false,
    })
    {
    }

    /// <summary>For tests: the handler to send through (it should not follow redirects).</summary>
    public HttpSmokeChecker(HttpMessageHandler handler)
    {
        _client = new HttpClient(handler)
        {
            // Each request has its own deadline (the timeout given to CheckAsync).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("baton-smoke-check", "1"));
    }

    public async Task<IReadOnlyList<SmokeResult>> CheckAsync(IReadOnlyList<SmokeEndpoint> endpoints, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        return await Task.WhenAll(endpoints.Select(e => CheckOneAsync(e, timeout, ct)));
    }

    private async Task<SmokeResult> CheckOneAsync(SmokeEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return new SmokeResult(endpoint.Url, endpoint.Critical, null, 0, "not an absolute http(s) URL");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            // Headers are the answer: the body of a health page is not judged, so it is not waited for.
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var elapsed = clock.ElapsedMilliseconds;
            string? error = status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 when response.Headers.Location is { } location => $"HTTP {status} (a redirect to {location}, not followed)",
                _ => $"HTTP {status}",
            };
            return new SmokeResult(endpoint.Url, endpoint.Critical, status, elapsed, error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SmokeResult(endpoint.Url, endpoint.Critical, null, clock.ElapsedMilliseconds, $"no answer within {Seconds(timeout)}");
        }
        catch (HttpRequestException e)
        {
            return new SmokeResult(endpoint.Url, endpoint.Critical, null, clock.ElapsedMilliseconds, Why(e, uri));
        }
    }

    // What went wrong, said plainly: the words an operator would use, with the host and port it was about.
    private static string Why(HttpRequestException e, Uri uri)
    {
        var socket = e.InnerException as SocketException;
        return (e.HttpRequestError, socket?.SocketErrorCode) switch
        {
            (_, SocketError.ConnectionRefused) => $"connection refused ({uri.Authority})",
            (HttpRequestError.NameResolutionError, _) or (_, SocketError.HostNotFound) => $"host not found ({uri.Host})",
            (_, SocketError.NetworkUnreachable or SocketError.HostUnreachable) => $"{uri.Host} is unreachable",
            (HttpRequestError.SecureConnectionError, _) => $"TLS failed with {uri.Authority}: {e.Message}",
            (HttpRequestError.ResponseEnded, _) => $"the connection closed before an answer ({uri.Authority})",
            (HttpRequestError.InvalidResponse, _) => $"not an HTTP answer from {uri.Authority}",
            _ => $"no answer: {e.Message}",
        };
    }

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1
            ? timeout.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s"
            : timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public void Dispose() => _client.Dispose();
}
