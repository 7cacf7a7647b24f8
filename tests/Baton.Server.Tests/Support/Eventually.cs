namespace Baton.Server.Tests.Support;

/// <summary>
/// Waits for a condition instead of guessing a sleep: reads until the value satisfies <c>done</c>, giving up after
/// <see cref="TestTimeouts.Default"/>. The short pause between reads is a poll interval, not the synchronisation.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            try
            {
                await Task.Delay(PollInterval, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {TestTimeouts.Default} waiting for {what}.");
            }
        }
    }
}
