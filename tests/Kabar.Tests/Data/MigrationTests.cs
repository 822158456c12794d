using System.Net;
using Kabar.Data;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Kabar.Tests.Data;

/// <summary>Each provider's migration set matches the model; a model change without both new migrations fails here.</summary>
public sealed class MigrationTests(PostgresServer postgres)
{
    [Fact]
    public void SqliteMigrations_AreUpToDateWithTheModel()
    {
        using var db = new SqliteKabarDbContext(new DbContextOptionsBuilder<SqliteKabarDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: run scripts/add-migration.sh NAME.");
    }

    [Fact]
    public void PostgresMigrations_AreUpToDateWithTheModel()
    {
        using var db = new PostgresKabarDbContext(new DbContextOptionsBuilder<PostgresKabarDbContext>().UseNpgsql("Host=unused").Options);
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: run scripts/add-migration.sh NAME.");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrations()
    {
        static IEnumerable<string> Names<T>(T db) where T : DbContext =>
            db.GetService<IMigrationsAssembly>().Migrations.Keys.Select(id => id[15..]);

        using var sqlite = new SqliteKabarDbContext(new DbContextOptionsBuilder<SqliteKabarDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var pg = new PostgresKabarDbContext(new DbContextOptionsBuilder<PostgresKabarDbContext>().UseNpgsql("Host=unused").Options);
        Assert.Equal(Names(sqlite), Names(pg));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task FreshDatabase_IsMigratedAtStartAndReady(Db db)
    {
        await using var app = await KabarApp.StartAsync(db, postgres);
        using var response = await app.CreateClient().GetAsync("/readyz");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var pending = await app.WithDbAsync(async d => (await d.Database.GetPendingMigrationsAsync()).Count());
        Assert.Equal(0, pending);
        // The registration form's and the opt-in link page's texts, each in Indonesian and English.
        Assert.Equal(4, await app.WithDbAsync(d => d.ConsentTexts.CountAsync()));
    }
}
