using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kabar.Data;

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKabarDbContext>
{
    public SqliteKabarDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteKabarDbContext>()
            .UseSqlite("Data Source=design.db", s => s.MigrationsHistoryTable("__ef_migrations")).Options);
}
