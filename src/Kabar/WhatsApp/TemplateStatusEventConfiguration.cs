using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

internal sealed class TemplateStatusEventConfiguration : IEntityTypeConfiguration<TemplateStatusEvent>
{
    public void Configure(EntityTypeBuilder<TemplateStatusEvent> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.TemplateId).HasMaxLength(64);
        b.Property(t => t.Name).HasMaxLength(512);
        b.Property(t => t.Language).HasMaxLength(16);
        b.Property(t => t.Event).HasMaxLength(40);
        b.Property(t => t.Reason).HasMaxLength(512);
        b.Property(t => t.Category).HasMaxLength(40);
    }
}
