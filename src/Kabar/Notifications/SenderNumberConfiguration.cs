using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Notifications;

internal sealed class SenderNumberConfiguration : IEntityTypeConfiguration<SenderNumber>
{
    public void Configure(EntityTypeBuilder<SenderNumber> b)
    {
        b.HasKey(s => s.PhoneNumberId);
        b.Property(s => s.PhoneNumberId).HasMaxLength(64);
        b.Property(s => s.LeaseHolder).HasMaxLength(100);
        b.Property(s => s.PauseReason).HasMaxLength(512);
    }
}
