using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kabar.Transfers;

/// <summary>
/// What travels beside an exported CSV (<c>contacts-…csv.manifest.json</c>): what was exported, by
/// whom and when, how many rows, the SHA-256 of the file's bytes, per row the contact's id, the
/// head hash of its consent ledger at the time and a digest of the row, and the office's signature
/// over all of it. Anyone with the office's public key can tell whether the file or the manifest
/// was changed afterwards (<c>kabar export verify</c>).
/// </summary>
public sealed record ExportManifest(
    string Format,
    Guid Id,
    string Kind,
    string File,
    DateTime CreatedAt,
    string RequestedBy,
    IReadOnlyList<string> Columns,
    int RowCount,
    string CsvSha256,
    string RowsSha256,
    IReadOnlyList<ExportManifestRow> Rows,
    ExportSignature Signature)
{
    public const string FormatName = "kabar-export-manifest/1";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// The exact bytes the signature covers: one field per line, so no value can be moved into
    /// another. The rows are covered through <see cref="RowsSha256"/>.
    /// </summary>
    public static byte[] SignedBytes(Guid id, string kind, string file, DateTime createdAt, string requestedBy, IEnumerable<string> columns,
        int rowCount, string csvSha256, string rowsSha256, string keyFingerprint)
    {
        var text = new StringBuilder()
            .Append(FormatName).Append('\n')
            .Append("id:").Append(id.ToString("D")).Append('\n')
            .Append("kind:").Append(kind).Append('\n')
            .Append("file:").Append(file).Append('\n')
            .Append("createdAt:").Append(createdAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n')
            .Append("requestedBy:").Append(requestedBy.Replace('\n', ' ')).Append('\n')
            .Append("columns:").Append(string.Join(',', columns)).Append('\n')
            .Append("rowCount:").Append(rowCount.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("csvSha256:").Append(csvSha256).Append('\n')
            .Append("rowsSha256:").Append(rowsSha256).Append('\n')
            .Append("keyFingerprint:").Append(keyFingerprint).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public byte[] SignedBytes() =>
        SignedBytes(Id, Kind, File, CreatedAt, RequestedBy, Columns, RowCount, CsvSha256, RowsSha256, Signature.KeyFingerprint);

    /// <summary>SHA-256 over <c>contactId ledgerHead rowDigest\n</c> per row, in file order (<c>-</c> for a contact without ledger).</summary>
    public static string RowsDigest(IEnumerable<ExportManifestRow> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var row in rows)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{row.ContactId:D} {row.LedgerHead ?? "-"} {row.RowDigest}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The digest of one CSV record's bytes (without its line break): the first 16 hex digits of their SHA-256.</summary>
    public static string RowDigest(ReadOnlySpan<byte> record) => Convert.ToHexStringLower(SHA256.HashData(record))[..16];
}

/// <summary>One exported row: whose it is, the head of that contact's consent ledger when exported, and a digest of the row.</summary>
public sealed record ExportManifestRow(
    [property: JsonPropertyName("contactId")] Guid ContactId,
    [property: JsonPropertyName("ledgerHead")] string? LedgerHead,
    [property: JsonPropertyName("rowDigest")] string RowDigest);

/// <summary>The office's signature: ECDSA P-256 over SHA-256 (IEEE P1363, base64), with the public key that checks it.</summary>
public sealed record ExportSignature(string Algorithm, string KeyFingerprint, string PublicKey, string Value);
