using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Permits;

internal sealed class PermitConfiguration : IEntityTypeConfiguration<Permit>
{
    public void Configure(EntityTypeBuilder<Permit> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.ExternalRef).HasMaxLength(100);
        b.HasIndex(p => p.ExternalRef).IsUnique();
        b.Property(p => p.PermitNumber).HasMaxLength(100);
        b.Property(p => p.PermitType).HasMaxLength(200);
        b.Property(p => p.RegistrationId).HasMaxLength(100);
        b.Property(p => p.DownloadLink).HasMaxLength(1000);
        b.Property(p => p.RenewalLink).HasMaxLength(1000);
        b.Property(p => p.DetailLink).HasMaxLength(1000);
        b.Property(p => p.Version).IsConcurrencyToken();

        // The expiry scan reads issued, not renewed permits by expiry date.
        b.HasIndex(p => new { p.Status, p.ExpiresOn });
        b.HasIndex(p => p.HolderContactId);
        b.HasIndex(p => p.RenewalOfId);
        b.HasOne<Contact>().WithMany().HasForeignKey(p => p.HolderContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
