using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Transfers;

internal sealed class ExportRecordConfiguration : IEntityTypeConfiguration<ExportRecord>
{
    public void Configure(EntityTypeBuilder<ExportRecord> b)
    {
        b.ToTable("Exports");
        b.HasKey(e => e.Id);
        b.Property(e => e.Kind).HasMaxLength(16);
        b.Property(e => e.RequestedBy).HasMaxLength(300);
        b.Property(e => e.FileName).HasMaxLength(64);
        b.Property(e => e.State).HasMaxLength(16);
        b.Property(e => e.CsvSha256).HasMaxLength(64);
        b.Property(e => e.KeyFingerprint).HasMaxLength(80);
        b.HasIndex(e => e.CreatedAt);
    }
}
