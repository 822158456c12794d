using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Jobs;

internal sealed class JobStateConfiguration : IEntityTypeConfiguration<JobState>
{
    public void Configure(EntityTypeBuilder<JobState> b)
    {
        b.HasKey(j => j.Name);
        b.Property(j => j.Name).HasMaxLength(64);
        b.Property(j => j.LeaseHolder).HasMaxLength(100);
    }
}
