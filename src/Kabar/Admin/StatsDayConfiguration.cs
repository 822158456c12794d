using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class StatsDayConfiguration : IEntityTypeConfiguration<StatsDay>
{
    public void Configure(EntityTypeBuilder<StatsDay> b)
    {
        b.HasKey(d => d.Day);
        b.Property(d => d.TimeZone).HasMaxLength(64);
    }
}
