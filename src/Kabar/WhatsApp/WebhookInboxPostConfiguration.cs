using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

internal sealed class WebhookInboxPostConfiguration : IEntityTypeConfiguration<WebhookInboxPost>
{
    public void Configure(EntityTypeBuilder<WebhookInboxPost> b)
    {
        b.ToTable("WebhookInbox");
        b.HasKey(p => p.Id);
        b.Property(p => p.BodyEncoding).HasMaxLength(16);
    }
}
