using Kabar.Data;

namespace Kabar.Campaigns;

/// <summary>Marks a campaign link's page as shown (see <see cref="AskResults.MarkOpenedAsync"/>).</summary>
public sealed class CampaignOpens(IServiceScopeFactory scopes, TimeProvider time, ILogger<CampaignOpens> logger)
{
    public async Task MarkAsync(Guid? notificationId, CancellationToken ct)
    {
        if (notificationId is null)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            await AskResults.MarkOpenedAsync(db, notificationId, time.GetUtcNow().UtcDateTime, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex.IsRetryableConflict())
        {
            // A figure for the campaign page, never worth failing the person's page for.
            logger.LogInformation("Could not record an opened opt-in link now: the database was busy");
        }
    }
}
