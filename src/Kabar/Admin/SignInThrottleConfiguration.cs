using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Admin;

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.HasKey(t => new { t.Account, t.Client });
        b.Property(t => t.Account).HasMaxLength(64);
        b.Property(t => t.Client).HasMaxLength(64);
        b.HasIndex(t => t.LastFailureAt);
    }
}
