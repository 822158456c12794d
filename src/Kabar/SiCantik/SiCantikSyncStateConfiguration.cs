using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.SiCantik;

internal sealed class SiCantikSyncStateConfiguration : IEntityTypeConfiguration<SiCantikSyncState>
{
    public void Configure(EntityTypeBuilder<SiCantikSyncState> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
    }
}
