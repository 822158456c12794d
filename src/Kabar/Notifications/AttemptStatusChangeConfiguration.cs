using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Notifications;

internal sealed class AttemptStatusChangeConfiguration : IEntityTypeConfiguration<AttemptStatusChange>
{
    public void Configure(EntityTypeBuilder<AttemptStatusChange> b)
    {
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.AttemptId);
        b.HasOne<DeliveryAttempt>().WithMany().HasForeignKey(c => c.AttemptId).OnDelete(DeleteBehavior.Cascade);
    }
}
