using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Campaigns;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.State).HasConversion<EnumTextConverter<CampaignState>>().HasMaxLength(16);
        b.Property(c => c.Channels).HasConversion<EnumTextConverter<CampaignChannels>>().HasMaxLength(16);
        b.Property(c => c.PermitType).HasMaxLength(200);
        b.Property(c => c.CreatedBy).HasMaxLength(200);
        b.HasIndex(c => c.State);
        b.HasOne<Experiment>().WithMany().HasForeignKey(c => c.ExperimentId).OnDelete(DeleteBehavior.Restrict);
    }
}

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

internal sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Name).HasMaxLength(200);
        b.Property(e => e.State).HasConversion<EnumTextConverter<ExperimentState>>().HasMaxLength(16);
        b.Property(e => e.CreatedBy).HasMaxLength(200);
    }
}
