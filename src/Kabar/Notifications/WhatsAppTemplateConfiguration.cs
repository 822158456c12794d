using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Notifications;

internal sealed class WhatsAppTemplateConfiguration : IEntityTypeConfiguration<WhatsAppTemplate>
{
    public void Configure(EntityTypeBuilder<WhatsAppTemplate> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(512);
        b.Property(t => t.Language).HasMaxLength(16);
        b.HasIndex(t => new { t.Name, t.Language }).IsUnique();
        b.Property(t => t.RemoteId).HasMaxLength(64);
        b.Property(t => t.Status).HasMaxLength(40);
        b.Property(t => t.Category).HasMaxLength(40);
        b.Property(t => t.ParameterFormat).HasMaxLength(16);
        b.Property(t => t.BodyParameters).HasMaxLength(2000);
    }
}
