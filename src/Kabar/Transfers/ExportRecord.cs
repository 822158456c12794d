namespace Kabar.Transfers;

/// <summary>
/// One export of contacts, kept for the auditors: who asked, when, what, how many rows, the file's
/// SHA-256 and the signed manifest. Written when the export starts (<c>running</c>) and completed
/// at its end; an export whose download was cut off stays <c>aborted</c>.
/// </summary>
public sealed class ExportRecord
{
    public Guid Id { get; set; }

    /// <summary><c>registered</c> or <c>consented</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary><c>api:KEYNAME</c>, <c>console:EMAIL</c> or <c>cli:USER</c>.</summary>
    public string RequestedBy { get; set; } = "";

    public string FileName { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary><c>running</c>, <c>completed</c> or <c>aborted</c>.</summary>
    public string State { get; set; } = "";

    public int? Rows { get; set; }
    public string? CsvSha256 { get; set; }
    public string? KeyFingerprint { get; set; }

    /// <summary>The signed manifest as JSON, served again by <c>GET /api/exports/{id}/manifest</c> (about 110 bytes per row).</summary>
    public string? Manifest { get; set; }
}

/// <summary>The two exports of SPEC §9.</summary>
public enum ExportKind
{
    /// <summary>Every contact with a phone number.</summary>
    Registered,

    /// <summary>Contacts whose <c>whatsapp</c> consent is granted now.</summary>
    Consented,
}
