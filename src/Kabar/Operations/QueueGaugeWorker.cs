using Kabar.Data;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Operations;

/// <summary>
/// Measures the queue every <see cref="MetricsOptions.QueueRefreshInterval"/> so that scrapes
/// (several Prometheus replicas, a dashboard) never cost a query each. One indexed range query
/// per business number and state, over (PhoneNumberId, State, DueAt).
/// </summary>
internal sealed partial class QueueGaugeWorker(
    IServiceScopeFactory scopes,
    QueueSnapshot snapshot,
    IOptions<MetricsOptions> options,
    IOptions<WhatsAppOptions> whatsApp,
    TimeProvider time,
    ILogger<QueueGaugeWorker> logger) : BackgroundService
{
    /// <summary>Measures now and stores the result for the gauges.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var (queued, queuedAge) = await MeasureAsync(db, NotificationState.Queued, now, ct);
        var (scheduled, scheduledAge) = await MeasureAsync(db, NotificationState.Scheduled, now, ct);
        snapshot.Set(queued, scheduled, queuedAge, scheduledAge);
    }

    private async Task<(long Count, TimeSpan Age)> MeasureAsync(KabarDbContext db, NotificationState state, DateTime now, CancellationToken ct)
    {
        long count = 0;
        DateTime? oldest = null;
        foreach (var number in whatsApp.Value.EffectiveNumbers)
        {
            var rows = db.Notifications.AsNoTracking().Where(n => n.PhoneNumberId == number.PhoneNumberId && n.State == state);
            count += await rows.LongCountAsync(ct);
            // A retry waiting for its backoff, or a reminder for tomorrow, is not late: only what is due counts.
            var first = await rows.Where(n => n.DueAt <= now).MinAsync(n => (DateTime?)n.DueAt, ct);
            if (first is { } f && (oldest is null || f < oldest))
            {
                oldest = f;
            }
        }

        return (count, oldest is { } o ? now - o : TimeSpan.Zero);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.QueueGaugesEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The gauges keep their last values; the next round tries again.
                LogRefreshFailed(ex);
            }

            try
            {
                await Task.Delay(options.Value.QueueRefreshInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Measuring the queue for the metrics failed")]
    private partial void LogRefreshFailed(Exception ex);
}
