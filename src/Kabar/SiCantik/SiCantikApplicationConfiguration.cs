using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.SiCantik;

internal sealed class SiCantikApplicationConfiguration : IEntityTypeConfiguration<SiCantikApplication>
{
    public void Configure(EntityTypeBuilder<SiCantikApplication> b)
    {
        b.HasKey(a => a.RegistrationId);
        b.Property(a => a.RegistrationId).HasMaxLength(100);
        b.Property(a => a.List).HasMaxLength(16);
        b.Property(a => a.Fingerprint).HasMaxLength(64);
        b.Property(a => a.PermitType).HasMaxLength(200);
        b.Property(a => a.PermitNumber).HasMaxLength(100);
        b.Property(a => a.StepId).HasMaxLength(32);
        b.Property(a => a.StepName).HasMaxLength(200);
        b.Property(a => a.PhoneProblem).HasMaxLength(300);
        b.Property(a => a.ApplicantName).HasMaxLength(200);
        b.HasIndex(a => a.PermitId);
    }
}
