using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Kabar.Data;

internal sealed class SqliteKabarDbContext(DbContextOptions<SqliteKabarDbContext> options) : KabarDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // Status rows take SQLite's plain rowid, not AUTOINCREMENT. With AUTOINCREMENT every
        // INSERT … ON CONFLICT DO NOTHING writes the table's sqlite_sequence row even when the
        // status is one Kabar already has, so each of Meta's retries cost the intake a page write
        // and an fsync, and each new status one page more. A rowid can come back once the newest
        // row is deleted (an erasure); nothing keeps a status row's id beyond the status worker's
        // round, which starts over from the lowest. EF Core 10 leaves this setting out of the
        // model snapshot it writes; scripts/add-migration.sh puts it back (MigrationTests fails
        // without it).
        modelBuilder.Entity<WhatsApp.WhatsAppStatusEvent>().Property(s => s.Id).Metadata
            .SetValueGenerationStrategy(SqliteValueGenerationStrategy.None);
    }
}
