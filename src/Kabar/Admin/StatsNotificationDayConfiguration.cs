using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class StatsNotificationDayConfiguration : IEntityTypeConfiguration<StatsNotificationDay>
{
    public void Configure(EntityTypeBuilder<StatsNotificationDay> b) => b.HasIndex(d => d.Day);
}
