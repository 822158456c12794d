using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Tests.Infrastructure;
using Kabar.Transfers;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Transfers;

/// <summary>
/// <c>GET /api/exports/contacts.csv</c> (SPEC §9): the columns, registered versus consented, the
/// signed manifest afterwards, every export recorded, and a one-character edit caught.
/// </summary>
public abstract class ContactExportTests(Db db, PostgresServer postgres) : IAsyncLifetime
{
    private KabarApp app = null!;

    public async ValueTask InitializeAsync() => app = await KabarApp.StartAsync(db, postgres);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task SeedAsync()
    {
        await app.PostContactAsync(new
        {
            phone = "0812-7777-1001",
            name = "Siti Aminah",
            consent = new { scope = "whatsapp", granted = true, source = "registration_form", textVersion = "daftar-v1", occurredAt = "2026-11-20T02:00:00Z" },
        });
        await app.PostContactAsync(new { phone = "0812-7777-1002", name = "=1+1, \"Budi\"" });
        await app.PostContactAsync(new
        {
            phone = "0812-7777-1003",
            name = "Dewi",
            consent = new { scope = "whatsapp", granted = false, source = "api", occurredAt = "2026-11-21T02:00:00Z" },
        });
    }

    [Fact]
    public async Task Export_RegisteredAndConsented_CarryTheSpecColumns_AndASignedManifestThatAnEditBreaks()
    {
        await SeedAsync();
        var (registered, id, response) = await app.ExportAsync(consented: false);
        using (response)
        {
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("contacts-20261125-030000.csv", response.Content.Headers.ContentDisposition?.ToString());
        }

        var text = Encoding.UTF8.GetString(registered);
        Assert.StartsWith("\uFEFFphone,name,consent_state,consent_source,consent_at,text_version\r\n", text);
        var lines = TransferSupport.DataLines(registered);
        Assert.Equal(3, lines.Length);
        Assert.Contains("+6281277771001,Siti Aminah,granted,registration_form,2026-11-20T02:00:00.000Z,daftar-v1", lines);
        // A formula is neutralised with a quote; the phone keeps its '+'; quotes and commas are escaped.
        Assert.Contains("+6281277771002,\"'=1+1, \"\"Budi\"\"\",unknown,,,", lines);
        Assert.Contains("+6281277771003,Dewi,withdrawn,api,2026-11-21T02:00:00.000Z,", lines);

        var (consented, consentedId, r2) = await app.ExportAsync(consented: true);
        r2.Dispose();
        Assert.Equal(["+6281277771001"], TransferSupport.DataLines(consented).Select(l => l.Split(',')[0]));

        // The manifest: counts, hash, ledger heads, and a signature by the office's key.
        var manifest = ExportVerifier.ReadManifest(await app.ManifestAsync(id), out var problem)!;
        Assert.Null(problem);
        Assert.Equal(("registered", 3, "api:config-0"), (manifest.Kind, manifest.RowCount, manifest.RequestedBy));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(registered)), manifest.CsvSha256);
        var heads = await app.WithDbAsync(d => d.Contacts.ToDictionaryAsync(c => c.Id, c => c.LedgerHead));
        Assert.All(manifest.Rows, r => Assert.Equal(heads[r.ContactId], r.LedgerHead));
        using (var api = app.Api())
        {
            var key = await api.GetFromJsonAsync<JsonElement>("/api/exports/key");
            Assert.Equal(key.GetProperty("fingerprint").GetString(), manifest.Signature.KeyFingerprint);
        }

        var intact = await ExportVerifier.VerifyAsync(new MemoryStream(registered), manifest, manifest.Signature.KeyFingerprint, CancellationToken.None);
        Assert.True(intact.Intact, string.Join("\n", intact.Problems));

        // One character changed: "granted" → "granteD" on Siti's row.
        var edited = Encoding.UTF8.GetBytes(text.Replace("granted,registration_form", "granteD,registration_form", StringComparison.Ordinal));
        var verdict = await ExportVerifier.VerifyAsync(new MemoryStream(edited), manifest, manifest.Signature.KeyFingerprint, CancellationToken.None);
        Assert.False(verdict.Intact);
        var sitiLine = Array.IndexOf(lines, lines.Single(l => l.Contains("Siti", StringComparison.Ordinal))) + 2;
        Assert.Contains(verdict.Problems, p => p.Contains("SHA-256", StringComparison.Ordinal));
        Assert.Contains(verdict.Problems, p => p.StartsWith($"line {sitiLine} ", StringComparison.Ordinal));

        // A manifest edited to match an edited file (fewer rows, new hash) no longer carries the office's signature.
        var forged = manifest with { RowCount = 2, CsvSha256 = new string('a', 64) };
        var forgedVerdict = await ExportVerifier.VerifyAsync(new MemoryStream(registered), forged, manifest.Signature.KeyFingerprint, CancellationToken.None);
        Assert.False(forgedVerdict.Intact);
        Assert.Contains(forgedVerdict.Problems, p => p.Contains("signature does not match", StringComparison.Ordinal));

        // Both exports are on record: who, what, how many.
        using (var api = app.Api())
        {
            var list = await api.GetFromJsonAsync<JsonElement>("/api/exports");
            Assert.Equal([(consentedId, "consented", 1), (id, "registered", 3)],
                list.EnumerateArray().Select(e => (e.GetProperty("id").GetGuid(), e.GetProperty("kind").GetString(), e.GetProperty("rows").GetInt32())).ToList());
            Assert.All(list.EnumerateArray(), e => Assert.Equal("completed", e.GetProperty("state").GetString()));
        }
    }

    [Fact]
    public async Task Export_ManyContacts_StreamsEveryRowOnce_InAStableOrder()
    {
        const int count = 3000;
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async d =>
        {
            for (var i = 0; i < count; i++)
            {
                d.Contacts.Add(new Contact
                {
                    Id = Guid.CreateVersion7(),
                    Phone = $"+62812{i:D8}",
                    Name = $"Warga {i}",
                    CreatedAt = now,
                    UpdatedAt = now,
                    WhatsAppConsent = i % 3 == 0 ? ConsentState.Granted : ConsentState.Unknown,
                });
            }

            return await d.SaveChangesAsync();
        });

        var (csv, id, response) = await app.ExportAsync(consented: false);
        response.Dispose();
        var lines = TransferSupport.DataLines(csv);
        Assert.Equal(count, lines.Length);
        Assert.Equal(count, lines.Distinct().Count());
        var ids = await app.WithDbAsync(d => d.Contacts.OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        var manifest = ExportVerifier.ReadManifest(await app.ManifestAsync(id), out _)!;
        Assert.Equal(ids, manifest.Rows.Select(r => r.ContactId));
        Assert.True((await ExportVerifier.VerifyAsync(new MemoryStream(csv), manifest, null, CancellationToken.None)).Intact);

        var (consented, _, r2) = await app.ExportAsync(consented: true);
        r2.Dispose();
        Assert.Equal(count / 3, TransferSupport.DataLines(consented).Length);
    }

    [Fact]
    public async Task Export_NeedsAWriteKey_AndAnUnknownManifestIs404()
    {
        using var reader = app.Api(KabarApp.ReadOnlyApiKey);
        using var refused = await reader.GetAsync("/api/exports/contacts.csv");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.Exports.CountAsync()));

        using var missing = await reader.GetAsync($"/api/exports/{Guid.NewGuid()}/manifest");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

public sealed class ContactExportTests_Sqlite(PostgresServer postgres) : ContactExportTests(Db.Sqlite, postgres);

public sealed class ContactExportTests_Postgres(PostgresServer postgres) : ContactExportTests(Db.Postgres, postgres);
