using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Infrastructure;

/// <summary>
/// Test hosts start from a copy of a database migrated once per test run, instead of each running
/// the schema's DDL again: it is the same for every host, and several hundred hosts spent a large
/// share of the suite's time on it. Kabar's own start-up step still runs on every copy (migrate on
/// start-up finds nothing pending, then the built-in consent texts and the sealed secrets), and the
/// migrations themselves run here, on both providers, in every test run.
/// </summary>
internal static class MigratedTemplates
{
    private static readonly Lazy<Task<string>> SqliteTemplate = new(CreateSqliteAsync);

    /// <summary>Copies the migrated SQLite template to <paramref name="file"/>.</summary>
    public static async Task CopySqliteAsync(string file) => File.Copy(await SqliteTemplate.Value, file);

    /// <summary>Migrates the (new, empty) PostgreSQL database of <paramref name="connectionString"/> to the current schema.</summary>
    public static async Task MigratePostgresAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresKabarDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations")).Options;
        await using var db = new PostgresKabarDbContext(options);
        await db.Database.MigrateAsync();
    }

    private static async Task<string> CreateSqliteAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kabar-template-{Guid.NewGuid():N}.db");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        var options = new DbContextOptionsBuilder<SqliteKabarDbContext>()
            .UseSqlite($"Data Source={file};Pooling=false", s => s.MigrationsHistoryTable("__ef_migrations")).Options;
        await using (var db = new SqliteKabarDbContext(options))
        {
            await db.Database.MigrateAsync();
            // As Kabar's start-up sets it; closing the only connection then folds the log into the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        return file;
    }
}
