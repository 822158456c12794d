using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Privacy;

internal sealed class DataSubjectRequestConfiguration : IEntityTypeConfiguration<DataSubjectRequest>
{
    public void Configure(EntityTypeBuilder<DataSubjectRequest> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.RequestedBy).HasMaxLength(300);
        b.Property(r => r.Reference).HasMaxLength(100);
        b.Property(r => r.Detail).HasMaxLength(1000);
        b.HasIndex(r => r.AnsweredAt);
        b.HasIndex(r => new { r.ContactId, r.AnsweredAt });
        b.HasOne<Contact>().WithMany().HasForeignKey(r => r.ContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
