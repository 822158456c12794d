using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Campaigns;

internal sealed class CampaignAskConfiguration : IEntityTypeConfiguration<CampaignAsk>
{
    public void Configure(EntityTypeBuilder<CampaignAsk> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Outcome).HasConversion<EnumTextConverter<AskOutcome>>().HasMaxLength(16);
        b.Property(a => a.SkipReason).HasMaxLength(64);
        b.Property(a => a.VariantKey).HasMaxLength(32);

        // Asked at most once per campaign, whatever restarts or second processes do.
        b.HasIndex(a => new { a.CampaignId, a.ContactId }).IsUnique();
        b.HasIndex(a => new { a.CampaignId, a.AskedAt });
        b.HasIndex(a => new { a.ExperimentId, a.VariantKey });
        b.HasIndex(a => a.NotificationId);
        b.HasIndex(a => a.ContactId);
        b.HasOne<Campaign>().WithMany().HasForeignKey(a => a.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(a => a.ContactId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Notification>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.SetNull);
    }
}
