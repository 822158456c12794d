using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class StatsAttemptDayConfiguration : IEntityTypeConfiguration<StatsAttemptDay>
{
    public void Configure(EntityTypeBuilder<StatsAttemptDay> b)
    {
        b.Property(d => d.Reason).HasMaxLength(64);
        b.Property(d => d.PricingCategory).HasMaxLength(40);
        b.HasIndex(d => d.Day);
    }
}
