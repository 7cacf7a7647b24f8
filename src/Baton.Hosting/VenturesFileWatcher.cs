using Baton.Core.Ventures;
using Baton.Local.Settings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Hosting;

/// <summary>
/// Upserts <c>ventures.json</c> again whenever it changes, so a running server sees a venture added to the file (or the
/// file created) after it started. It polls the file's size and modification time every <see cref="Interval"/>:
/// editors save by writing a new file and renaming it, which file-system events report unreliably, while a stat a
/// few seconds is cheap and never misses. <see cref="ReloadNowAsync"/> (SIGHUP in <c>baton serve</c>) skips the wait.
/// A file that does not parse is logged with its file, line and problem and the registry stays as it was.
/// </summary>
public sealed class VenturesFileWatcher(IVentureStore ventures, BatonOptions options, TimeProvider clock, ILogger<VenturesFileWatcher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Length, DateTime WrittenAt)? _seen = Stamp(options.VenturesFile);

    /// <summary>Reads and upserts the file now if it changed since it was last applied (or <paramref name="force"/>).</summary>
    public async Task<bool> ReloadNowAsync(bool force, CancellationToken ct)
    {
        if (options.VenturesFile is not { } path) return false;
        await _gate.WaitAsync(ct);
        try
        {
            var stamp = Stamp(path);
            if (!force && stamp == _seen) return false;
            _seen = stamp;
            if (stamp is null) return false;
            try
            {
                var registry = VentureRegistryFile.Load(path);
                await ventures.UpsertVenturesAsync(registry, ct);
                logger.LogInformation("Applied {Count} ventures from {Path}", registry.Count, path);
                return true;
            }
            catch (VentureFileException error)
            {
                logger.LogError("Not applied: {Problem} The ventures stay as they were until the file is fixed.", error.Message);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReloadNowAsync(force: false, stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogError(error, "Could not apply {Path}; trying again in {Interval}", options.VenturesFile, Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static (long, DateTime)? Stamp(string? path)
    {
        if (path is null) return null;
        var file = new FileInfo(path);
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : null;
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
