using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Contacts;

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Phone).HasMaxLength(20);
        b.Property(c => c.WaId).HasMaxLength(20);
        b.Property(c => c.BusinessScopedUserId).HasMaxLength(160);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Language).HasMaxLength(8);
        b.Property(c => c.LedgerHead).HasMaxLength(64);
        b.Property(c => c.LedgerSeq).IsConcurrencyToken();
        b.HasIndex(c => c.Phone).IsUnique();
        b.HasIndex(c => c.WaId);
        b.HasIndex(c => c.BusinessScopedUserId).IsUnique();
        // The dashboard counts contacts by state among those not erased, from the index alone.
        b.HasIndex(c => new { c.WhatsAppConsent, c.ErasedAt });
        b.Property(c => c.ErasedPhoneHash).HasMaxLength(64);
        b.HasIndex(c => c.ErasedPhoneHash);
    }
}
