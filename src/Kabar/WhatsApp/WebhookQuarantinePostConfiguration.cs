using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.WhatsApp;

internal sealed class WebhookQuarantinePostConfiguration : IEntityTypeConfiguration<WebhookQuarantinePost>
{
    public void Configure(EntityTypeBuilder<WebhookQuarantinePost> b)
    {
        b.ToTable("WebhookQuarantine");
        b.HasKey(p => p.Id);
        b.Property(p => p.Sha256).HasMaxLength(64);
        b.Property(p => p.Reasons).HasMaxLength(WebhookQuarantine.MaxReasonsLength);
        b.Property(p => p.ReplayOutcome).HasMaxLength(400);
        b.Ignore(p => p.Truncated);
        b.HasIndex(p => p.Sha256);
        b.HasIndex(p => p.ReceivedAt);
    }
}
