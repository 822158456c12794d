using Kabar.Common;
using Kabar.Consent;
using Kabar.Secrets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kabar.Data;

public static class DataExtensions
{
    public static IHostApplicationBuilder AddKabarData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations();

        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        var connectionString = builder.Configuration.GetConnectionString("Kabar");

        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new KabarConfigurationException(
                        "ConnectionStrings:Kabar must be set when Kabar:Database:Provider is Postgres " +
                        "(for example Host=127.0.0.1;Port=5432;Database=kabar;Username=kabar;Password=…).");
                }

                builder.Services.AddDbContext<KabarDbContext, PostgresKabarDbContext>(o =>
                    Quiet(o.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations"))));
                break;
            default:
                var sqlite = PrepareSqlite(connectionString ?? DatabaseOptions.DefaultSqliteConnectionString,
                    Common.HostingExtensions.DataFolder(builder));
                builder.Services.AddDbContext<KabarDbContext, SqliteKabarDbContext>(o =>
                    Quiet(o.UseSqlite(sqlite, s => s.MigrationsHistoryTable("__ef_migrations")).AddInterceptors(SqliteSecureDelete.Instance)));
                break;
        }

        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddSingleton<DeletedData>();
        return builder;
    }

    /// <summary>
    /// EF Core logs every failed statement and save at Error before the exception reaches the code
    /// that handles it. Kabar expects some of them: the first <c>kabar migrate</c> asks for a history
    /// table that is not there yet; two instances starting together race to create the same
    /// singleton rows and the loser reads the winner's (a unique violation, retried); a write that
    /// loses a race is retried as a whole. An operator would read those lines as faults. They go to
    /// Debug; a failure nobody handles still reaches the log where it surfaces (the request's
    /// exception handler, the worker's loop), with its exception.
    /// </summary>
    private static DbContextOptionsBuilder Quiet(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug),
            (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    /// <summary>
    /// Resolves a relative database file under the data folder, creates its folder and sets a
    /// generous busy timeout.
    /// </summary>
    internal static string PrepareSqlite(string connectionString, Common.DataFolder data)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var path = data.Resolve(csb.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }

        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            csb.DefaultTimeout = 30;
        }

        return csb.ToString();
    }

    /// <summary>Migrates at start-up unless <c>Kabar:Database:MigrateOnStartup</c> is false.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
        {
            await app.Services.MigrateKabarDatabaseAsync(app.Lifetime.ApplicationStopping);
            return;
        }

        // Migrations are someone else's step (kabar migrate); a database already up to date still
        // gets its secrets encrypted with the current key.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        if (await db.Database.CanConnectAsync(app.Lifetime.ApplicationStopping)
            && !(await db.Database.GetPendingMigrationsAsync(app.Lifetime.ApplicationStopping)).Any())
        {
            await app.Services.SealSecretsAsync(app.Lifetime.ApplicationStopping);
        }
    }

    /// <summary>Applies migrations and the data every installation starts with.</summary>
    public static async Task MigrateKabarDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the single writer; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        await scope.ServiceProvider.GetRequiredService<BuiltInConsentTexts>().EnsureAsync(ct);
        await services.SealSecretsAsync(ct);
    }

    /// <summary>A unique index refused the write: another writer got there first.</summary>
    public static bool IsUniqueViolation(this DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>The write lost a race and the whole unit of work can be retried.</summary>
    public static bool IsRetryableConflict(this Exception ex) => ex switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException u when u.IsUniqueViolation() => true,
        DbUpdateException { InnerException: { } inner } => IsRetryableConflict(inner),
        InvalidOperationException { InnerException: { } inner } => IsRetryableConflict(inner),
        SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException p => p.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        _ => false,
    };

    /// <summary>
    /// Runs a unit of work in a fresh scope, retrying when it loses a write race (a concurrent
    /// webhook for the same contact, a duplicate delivery committed in between).
    /// </summary>
    public static async Task<T> RunWithRetryAsync<T>(this IServiceScopeFactory scopes,
        Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken ct, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                return await work(scope.ServiceProvider, ct);
            }
            catch (Exception ex) when (attempt < attempts && ex.IsRetryableConflict())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), ct);
            }
        }
    }
}
