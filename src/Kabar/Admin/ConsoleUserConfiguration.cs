using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class ConsoleUserConfiguration : IEntityTypeConfiguration<ConsoleUser>
{
    public void Configure(EntityTypeBuilder<ConsoleUser> b)
    {
        b.HasKey(o => o.Id);
        b.Property(o => o.Email).HasMaxLength(254);
        b.HasIndex(o => o.Email).IsUnique();
        b.Property(o => o.PasswordHash).HasMaxLength(200);
        b.Property(o => o.Role).HasMaxLength(16);
        b.Property(o => o.TotpSecret).HasMaxLength(1000);
        b.Property(o => o.SecurityStamp).HasMaxLength(64);
    }
}
