using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Citizens;

internal sealed class RegistrationConfiguration : IEntityTypeConfiguration<Registration>
{
    public void Configure(EntityTypeBuilder<Registration> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Reference).HasMaxLength(32);
        b.HasIndex(r => r.Reference).IsUnique();
        b.HasIndex(r => new { r.ContactId, r.CreatedAt });
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Email).HasMaxLength(254);
        b.Property(r => r.PermitType).HasMaxLength(100);
        b.Property(r => r.Language).HasMaxLength(8);
        b.Property(r => r.ConsentTextVersion).HasMaxLength(64);
        b.Property(r => r.Ip).HasMaxLength(45);
        b.Property(r => r.UserAgent).HasMaxLength(512);
        b.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Cascade);
    }
}
