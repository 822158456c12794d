using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Notifications;

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> b)
    {
        b.Property(a => a.Reason).HasMaxLength(40);
        b.HasKey(a => a.Id);
        b.Property(a => a.ProviderMessageId).HasMaxLength(200);
        b.HasIndex(a => a.ProviderMessageId);
        b.Property(a => a.PhoneNumberId).HasMaxLength(64);
        b.Property(a => a.TemplateName).HasMaxLength(512);
        b.Property(a => a.Error).HasMaxLength(512);
        b.Property(a => a.PricingCategory).HasMaxLength(40);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => a.NotificationId);
        b.HasIndex(a => new { a.ContactId, a.Channel, a.CreatedAt });
        b.HasIndex(a => new { a.CountsAgainstLimit, a.CreatedAt });

        // The dashboard's period (StatsService): without it a 30-day window scans every attempt.
        b.HasIndex(a => a.CreatedAt);
        b.HasOne<Notification>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}
