using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

internal sealed class WhatsAppStatusEventConfiguration : IEntityTypeConfiguration<WhatsAppStatusEvent>
{
    public void Configure(EntityTypeBuilder<WhatsAppStatusEvent> b)
    {
        b.HasKey(s => s.Id);
        b.Property(s => s.Wamid).HasMaxLength(200);
        b.Property(s => s.Status).HasMaxLength(16);
        b.HasIndex(s => new { s.Wamid, s.Status }).IsUnique();
        b.HasIndex(s => s.AppliedAt);
        b.Property(s => s.RecipientId).HasMaxLength(20);
        b.Property(s => s.RecipientUserId).HasMaxLength(160);
        b.Property(s => s.BizOpaqueCallbackData).HasMaxLength(512);
        b.Property(s => s.ErrorTitle).HasMaxLength(512);
        b.Property(s => s.PricingCategory).HasMaxLength(40);
        b.Property(s => s.PricingType).HasMaxLength(40);
    }
}
