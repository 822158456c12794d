using System.ComponentModel.DataAnnotations;

namespace Kabar.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary><c>Kabar:Database</c>: which database, and whether to migrate at start-up.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Kabar:Database";

    /// <summary><c>Sqlite</c> (default, zero setup) or <c>Postgres</c> (several instances).</summary>
    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations before serving (SPEC §12; <c>kabar migrate</c> does it on demand).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>A SQLite file in the data folder (<c>Kabar:DataPath</c>, by default <c>data/</c> beside the application).</summary>
    public const string DefaultSqliteConnectionString = "Data Source=kabar.db";
}
