using Baton.Core.Activity;
using Baton.Core.Changes;
using Baton.Core.Requests;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Deletes request-log rows older than their retention, idempotency records past their expiry and hook events older
/// than <see cref="HookEventRules.Retention"/> (14 days, docs/architecture.md §15) and changes older than
/// <see cref="ChangeLog.Retention"/> (24 hours, §18), every
/// <see cref="BatonOptions.PurgeInterval"/>, whether or not requests arrive. A failed purge is logged and tried again
/// next time: old rows waiting a little longer harms nothing.
/// </summary>
internal sealed class PurgeService(IRequestStore store, IActivityStore activity, IChangeStore changes, BatonOptions options, TimeProvider clock, ILogger<PurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PurgeInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                try
                {
                    var deleted = await store.PurgeAsync(now - options.RequestLogRetention, now, stoppingToken);
                    if (deleted > 0) logger.LogDebug("Purged {Count} request-log rows and expired idempotency records", deleted);
                    var events = await activity.PurgeEventsAsync(now - HookEventRules.Retention, stoppingToken);
                    if (events > 0) logger.LogDebug("Purged {Count} hook events and waits older than {Retention}", events, HookEventRules.Retention);
                    var purgedChanges = await changes.PurgeChangesAsync(now - ChangeLog.Retention, stoppingToken);
                    if (purgedChanges > 0) logger.LogDebug("Purged {Count} changes older than {Retention}", purgedChanges, ChangeLog.Retention);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Could not purge old request-log rows, idempotency records, hook events and changes; trying again in {Interval}", options.PurgeInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
