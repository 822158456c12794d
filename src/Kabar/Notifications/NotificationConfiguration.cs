using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Notifications;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(n => n.Reason).HasMaxLength(40);
        b.HasIndex(n => new { n.Reason, n.CreatedAt });
        b.HasKey(n => n.Id);
        b.Property(n => n.Type).HasMaxLength(64);
        b.Property(n => n.Body).HasMaxLength(4096);
        b.Property(n => n.IdempotencyKey).HasMaxLength(Notification.MaxIdempotencyKeyLength);
        b.HasIndex(n => n.IdempotencyKey).IsUnique();
        b.Property(n => n.RequestHash).HasMaxLength(64);
        b.Property(n => n.PhoneNumberId).HasMaxLength(64);
        b.Property(n => n.LockedBy).HasMaxLength(100);
        b.Property(n => n.FallbackReason).HasMaxLength(64);
        b.Property(n => n.LastError).HasMaxLength(512);
        b.Property(n => n.Version).IsConcurrencyToken();
        b.HasIndex(n => new { n.PhoneNumberId, n.State, n.DueAt });
        b.HasIndex(n => new { n.State, n.FallbackDueAt });
        b.HasIndex(n => new { n.ContactId, n.CreatedAt });
        b.HasIndex(n => n.PermitId);
        b.HasIndex(n => n.CreatedAt);
        b.HasOne<Contact>().WithMany().HasForeignKey(n => n.ContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
