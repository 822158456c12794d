using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Inbox;

internal sealed class QuickReplyConfiguration : IEntityTypeConfiguration<QuickReply>
{
    public void Configure(EntityTypeBuilder<QuickReply> b)
    {
        b.HasKey(q => q.Id);
        b.Property(q => q.Title).HasMaxLength(QuickReply.TitleMax);
        b.Property(q => q.Text).HasMaxLength(QuickReply.TextMax);
        b.Property(q => q.UpdatedBy).HasMaxLength(320);
        b.HasIndex(q => q.Title);
    }
}
