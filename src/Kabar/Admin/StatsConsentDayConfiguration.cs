using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class StatsConsentDayConfiguration : IEntityTypeConfiguration<StatsConsentDay>
{
    public void Configure(EntityTypeBuilder<StatsConsentDay> b) => b.HasIndex(d => d.Day);
}
