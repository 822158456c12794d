using System.Security.Cryptography;
using System.Text.Json;
using CsvHelper;

namespace Kabar.Transfers;

/// <summary>The verdict on an exported file: intact or not, and each thing that does not match.</summary>
internal sealed record ExportVerification(bool Intact, IReadOnlyList<string> Problems, IReadOnlyList<string> Facts);

/// <summary>
/// Checks an exported CSV against its manifest, as an auditor would: the manifest's signature and
/// key, the digest of its rows, the file's SHA-256, its row count, and which rows differ. Needs no
/// database: everything is in the two files and the office's published key.
/// </summary>
internal static class ExportVerifier
{
    /// <summary>Reads a manifest, or says why it cannot be read.</summary>
    public static ExportManifest? ReadManifest(string json, out string? problem)
    {
        problem = null;
        try
        {
            var manifest = JsonSerializer.Deserialize<ExportManifest>(json, ExportManifest.Json);
            if (manifest is { Format: ExportManifest.FormatName, Signature: not null, Rows: not null, Columns: not null })
            {
                return manifest;
            }

            problem = $"it is not a Kabar export manifest ({ExportManifest.FormatName}).";
        }
        catch (JsonException ex)
        {
            problem = $"it is not valid JSON ({ex.Message}).";
        }

        return null;
    }

    /// <summary>
    /// Verifies <paramref name="csv"/> against <paramref name="manifest"/>. <paramref name="trustedFingerprint"/>
    /// is the fingerprint of the key the office published; without it the signature only proves the
    /// manifest was not changed by someone without the manifest's own key.
    /// </summary>
    public static async Task<ExportVerification> VerifyAsync(Stream csv, ExportManifest manifest, string? trustedFingerprint,
        CancellationToken ct)
    {
        var problems = new List<string>();
        var facts = new List<string>();
        CheckManifest(manifest, trustedFingerprint, problems, facts);
        await CheckFileAsync(csv, manifest, problems, ct);

        facts.Add($"{manifest.Kind} export {manifest.Id} of {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC by {manifest.RequestedBy}: {manifest.RowCount} row(s), SHA-256 {manifest.CsvSha256}.");
        return new ExportVerification(problems.Count == 0, problems, facts);
    }

    /// <summary>1. The manifest: signed by the key it names, and that key is the office's.</summary>
    private static void CheckManifest(ExportManifest manifest, string? trustedFingerprint, List<string> problems, List<string> facts)
    {
        string? fingerprint = null;
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(manifest.Signature.PublicKey);
            fingerprint = ExportSigningKey.Fingerprint(key);
            if (fingerprint != manifest.Signature.KeyFingerprint)
            {
                problems.Add($"The manifest's public key has fingerprint {fingerprint}, not the {manifest.Signature.KeyFingerprint} it claims: the manifest was altered.");
            }
            else if (!key.VerifyData(manifest.SignedBytes(), Convert.FromBase64String(manifest.Signature.Value), HashAlgorithmName.SHA256))
            {
                problems.Add("The manifest's signature does not match its contents: the manifest (row count, file hash, date, kind or requester) was altered after signing.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            problems.Add($"The manifest's signature or public key cannot be read ({ex.Message}): the manifest was altered.");
        }

        if (trustedFingerprint is null)
        {
            facts.Add($"Signed with key {fingerprint ?? manifest.Signature.KeyFingerprint}; compare it with the fingerprint the office published (kabar export key).");
        }
        else if (!string.Equals(trustedFingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"The manifest is signed with key {fingerprint ?? manifest.Signature.KeyFingerprint}, not with the office's key {trustedFingerprint}.");
        }
        else
        {
            facts.Add($"Signed with the office's key {fingerprint}.");
        }

        if (ExportManifest.RowsDigest(manifest.Rows) != manifest.RowsSha256 || manifest.Rows.Count != manifest.RowCount)
        {
            problems.Add("The manifest's list of rows (contact ids, ledger heads, row digests) does not match its signed digest: the manifest was altered.");
        }
    }

    /// <summary>2. The file: its bytes, its rows.</summary>
    private static async Task CheckFileAsync(Stream csv, ExportManifest manifest, List<string> problems, CancellationToken ct)
    {
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var hashing = new HashingStream(csv, fileHash);
        var rowProblems = new List<string>();
        var count = 0;
        try
        {
            await using var reader = CsvReader.Create(hashing, new CsvReaderOptions { TrackLineNumbers = true, Separator = ',' }, leaveOpen: true);
            await reader.ReadHeaderAsync(ct);
            var header = reader.Headers.Select(h => h.TrimStart('\uFEFF')).ToArray();
            if (!header.SequenceEqual(manifest.Columns))
            {
                problems.Add($"The header is '{string.Join(',', header)}'; the export wrote '{string.Join(',', manifest.Columns)}'.");
            }

            while (await reader.ReadAsync(ct))
            {
                var digest = ExportManifest.RowDigest(reader.RawRecord);
                if (count < manifest.Rows.Count && digest != manifest.Rows[count].RowDigest)
                {
                    rowProblems.Add($"line {reader.LineNumber} (row {count + 1}, contact {manifest.Rows[count].ContactId}) differs from what was exported.");
                }

                count++;
            }

            // Whatever the parser left unread (trailing bytes) still counts for the hash.
            await hashing.CopyToAsync(Stream.Null, ct);
        }
        catch (CsvFormatException ex)
        {
            problems.Add($"The file cannot be read as CSV any more ({ex.Message}).");
            await hashing.CopyToAsync(Stream.Null, ct);
        }

        var sha = Convert.ToHexStringLower(fileHash.GetHashAndReset());
        if (sha != manifest.CsvSha256)
        {
            problems.Add($"The file's SHA-256 is {sha}; the manifest says {manifest.CsvSha256}: the file was altered after export.");
        }

        if (count != manifest.RowCount)
        {
            problems.Add($"The file has {count} row(s); the manifest says {manifest.RowCount}: rows were added or removed.");
        }

        problems.AddRange(rowProblems.Take(20));
        if (rowProblems.Count > 20)
        {
            problems.Add($"… and {rowProblems.Count - 20} more altered row(s).");
        }
    }

    /// <summary>Normalises a published key given as a fingerprint (<c>sha256:…</c> or bare hex) or as PEM text.</summary>
    public static string? TrustedFingerprint(string? given)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return null;
        }

        given = given.Trim();
        if (given.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(given);
            return ExportSigningKey.Fingerprint(key);
        }

        return given.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? "sha256:" + given[7..].ToLowerInvariant() : "sha256:" + given.ToLowerInvariant();
    }

    /// <summary>A read-only stream that hashes what passes through it.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            hash.AppendData(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
