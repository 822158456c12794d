using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Jobs;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Job).HasMaxLength(64);
        b.Property(r => r.Trigger).HasMaxLength(16);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Detail).HasMaxLength(1000);
        b.Property(r => r.Holder).HasMaxLength(100);
        b.HasIndex(r => new { r.Job, r.StartedAt });
    }
}
