using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kabar.Data;

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKabarDbContext>
{
    public PostgresKabarDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresKabarDbContext>()
            .UseNpgsql("Host=localhost;Database=kabar_design", n => n.MigrationsHistoryTable("__ef_migrations")).Options);
}
