namespace Kabar.SiCantik;

/// <summary>
/// The connector's one row: when the first complete sync (the backfill, which sends no notices)
/// ended, and the last sync's report for the console.
/// </summary>
public sealed class SiCantikSyncState
{
    public const int TheRow = 1;

    public int Id { get; set; } = TheRow;

    /// <summary>When a sync first read both lists to the end; until then every sync is a backfill.</summary>
    public DateTime? BackfilledAt { get; set; }

    public DateTime? LastSyncAt { get; set; }

    /// <summary>The last sync's <see cref="SiCantikReport"/> as JSON.</summary>
    public string? LastReportJson { get; set; }
}
