using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Campaigns;

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
