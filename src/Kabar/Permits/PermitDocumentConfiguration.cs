using Kabar.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kabar.Permits;

internal sealed class PermitDocumentConfiguration : IEntityTypeConfiguration<PermitDocument>
{
    public void Configure(EntityTypeBuilder<PermitDocument> b)
    {
        b.HasKey(d => d.Id);
        b.Property(d => d.Name).HasMaxLength(200);
        b.HasIndex(d => new { d.PermitId, d.Name }).IsUnique();
        b.HasIndex(d => new { d.DoneAt, d.PendingSince });
        b.HasOne<Permit>().WithMany().HasForeignKey(d => d.PermitId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(d => d.AssigneeContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
