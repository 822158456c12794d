using Kabar.Campaigns;
using Kabar.Contacts;
using Kabar.Notifications;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Kabar.Tests.Data;

/// <summary>Opt-in requests queued before notifications carried their campaign learn it from their idempotency key.</summary>
public sealed class CampaignIdBackfillTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Migration_CampaignRequestQueuedBefore_NamesItsCampaign(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        var campaignId = Guid.CreateVersion7();
        var contactId = Guid.CreateVersion7();
        var now = new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);
        var (campaignNotice, apiNotice) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await app.WithDbAsync(async d =>
        {
            d.Contacts.Add(new Contact { Id = contactId, Phone = "+6281234567890", CreatedAt = now, UpdatedAt = now });
            d.Notifications.Add(new Notification
            {
                Id = campaignNotice,
                Type = NotificationCatalog.OptInRequest,
                ContactId = contactId,
                IdempotencyKey = CampaignRunner.AskKey(campaignId, contactId),
                CreatedAt = now,
                UpdatedAt = now,
            });
            d.Notifications.Add(new Notification
            {
                Id = apiNotice,
                Type = "permit_ready",
                ContactId = contactId,
                IdempotencyKey = "api:campaign-like",
                CreatedAt = now,
                UpdatedAt = now,
            });
            return await d.SaveChangesAsync();
        });

        // Back to the schema before the column, and forward again: the rows written above are the old rows.
        await app.WithDbAsync(async d =>
        {
            var migrations = d.Database.GetMigrations().ToList();
            var added = migrations.FindIndex(m => m.EndsWith("_NotificationCampaignId", StringComparison.Ordinal));
            var migrator = d.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[added - 1]);
            await migrator.MigrateAsync();
            return added;
        });

        var campaigns = await app.WithDbAsync(d => d.Notifications.AsNoTracking().ToDictionaryAsync(n => n.Id, n => n.CampaignId));
        Assert.Equal(campaignId, campaigns[campaignNotice]);
        Assert.Null(campaigns[apiNotice]);
    }
}
