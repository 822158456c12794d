using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

internal sealed class InboundMessageConfiguration : IEntityTypeConfiguration<InboundMessage>
{
    public void Configure(EntityTypeBuilder<InboundMessage> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.Wamid).HasMaxLength(200);
        b.HasIndex(m => m.Wamid).IsUnique();
        b.HasIndex(m => new { m.ContactId, m.SentAt });
        // The console's inbox: every person's messages, newest first.
        b.HasIndex(m => m.SentAt);
        b.HasOne<Contact>().WithMany().HasForeignKey(m => m.ContactId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.PhoneNumberId).HasMaxLength(64);
        b.Property(m => m.Type).HasMaxLength(32);
        b.Property(m => m.Body).HasMaxLength(4096);
        b.Property(m => m.Payload).HasMaxLength(512);
        b.Property(m => m.ContextWamid).HasMaxLength(200);
        b.Property(m => m.Effect).HasMaxLength(32);
    }
}
