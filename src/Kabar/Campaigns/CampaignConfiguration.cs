using Kabar.Data;
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
