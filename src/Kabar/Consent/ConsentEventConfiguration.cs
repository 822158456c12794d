using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Consent;

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> b)
    {
        b.HasKey(e => e.Id);
        b.HasOne<Contact>().WithMany().HasForeignKey(e => e.ContactId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.ContactId, e.Seq }).IsUnique();
        b.HasIndex(e => e.OccurredAt);
        b.Property(e => e.TextVersion).HasMaxLength(64);
        b.Property(e => e.TextHash).HasMaxLength(64);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.EvidenceSalt).HasMaxLength(32);
        b.Property(e => e.EvidenceDigest).HasMaxLength(64);
        b.Property(e => e.WhatsAppMessageId).HasMaxLength(200);
        b.Property(e => e.TokenId).HasMaxLength(64);
        b.Property(e => e.Operator).HasMaxLength(254);
        b.Property(e => e.Note).HasMaxLength(1000);
        b.Property(e => e.PrevHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
    }
}
