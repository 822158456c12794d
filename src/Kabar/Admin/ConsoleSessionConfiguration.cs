using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class ConsoleSessionConfiguration : IEntityTypeConfiguration<ConsoleSession>
{
    public void Configure(EntityTypeBuilder<ConsoleSession> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.HasIndex(s => s.OperatorId);
        b.HasIndex(s => s.ExpiresAt);
    }
}
