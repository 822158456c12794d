using Microsoft.EntityFrameworkCore;

namespace Kabar.Data;

internal sealed class PostgresKabarDbContext(DbContextOptions<PostgresKabarDbContext> options) : KabarDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // A compressed status post (about 5 kB for 100 statuses) stays in its heap row. With
        // PostgreSQL's default target of 2 kB, every intake commit would also cut each post into
        // pieces in the table's TOAST table and its index.
        modelBuilder.Entity<WhatsApp.WebhookInboxPost>().HasStorageParameter("toast_tuple_target", 8160);
    }
}
