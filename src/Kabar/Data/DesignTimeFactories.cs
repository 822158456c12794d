using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kabar.Data;

// Used only by `dotnet ef migrations add`; each provider keeps its own migration set
// (Data/Migrations/Sqlite, Data/Migrations/Postgres), both regenerated in the same change.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKabarDbContext>
{
    public SqliteKabarDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteKabarDbContext>()
            .UseSqlite("Data Source=design.db", s => s.MigrationsHistoryTable("__ef_migrations")).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKabarDbContext>
{
    public PostgresKabarDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresKabarDbContext>()
            .UseNpgsql("Host=localhost;Database=kabar_design", n => n.MigrationsHistoryTable("__ef_migrations")).Options);
}
