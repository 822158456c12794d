using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Consent;

internal sealed class ConsentTextConfiguration : IEntityTypeConfiguration<ConsentText>
{
    public void Configure(EntityTypeBuilder<ConsentText> b)
    {
        b.HasKey(t => t.Version);
        b.Property(t => t.Version).HasMaxLength(64);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.Property(t => t.Language).HasMaxLength(8);
        b.Property(t => t.Text).HasMaxLength(4000);
    }
}
