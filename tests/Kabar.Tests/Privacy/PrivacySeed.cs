using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Citizens;
using Kabar.Decisions;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kabar.Tests.Privacy;

/// <summary>One citizen with a bit of everything Kabar can hold, made through the real flows.</summary>
public sealed record SeededPerson(Guid ContactId, Guid PermitId, string Phone, string Name, string Email, string[] Ips, string[] UserAgents)
{
    /// <summary>Every way the person could be found in the database: the phone in each written form, name, e-mail, IPs, user agents.</summary>
    public IEnumerable<string> Needles =>
        [Phone, Phone[1..], "0" + Phone[3..], Phone[3..], Name, Name.Split(' ')[^1], Email, .. Ips, .. UserAgents];
}

public static class PrivacySeed
{
    public const string Phone = "+6281277775001";
    public const string WaId = "6281277775001";
    public const string Name = "Siti Rahmawati Kusumawardhani";
    public const string Email = "siti.kusumawardhani@example.id";
    public const string FormIp = "198.51.100.23";
    public const string FormAgent = "Mozilla/5.0 (X11; Linux x86_64) KabarFormTest/1.0";
    public const string ApiIp = "203.0.113.77";
    public const string ApiAgent = "LoketKonsentTest/2.0";

    /// <summary>
    /// Registration form (WhatsApp ticked, with IP and user agent), a marketing consent by API with
    /// evidence, an issued permit (WhatsApp template), a message from the person, STOP, then a notice
    /// by SMS and one whose SMS fails and goes by e-mail (an .eml in the outbox).
    /// </summary>
    public static async Task<SeededPerson> SeedAsync(KabarApp app)
    {
        var registration = await app.Services.GetRequiredService<RegistrationService>().RegisterAsync(
            new RegistrationInput(Name, Phone, Email, "Izin Usaha Mikro", true, "id", FormIp, FormAgent), CancellationToken.None);
        var contactId = registration.ContactId;
        await app.SendAndSettleAsync();

        using var api = app.Api();
        using (var consent = await api.PostAsJsonAsync($"/api/contacts/{contactId}/consent", new
        {
            scope = "whatsapp_marketing",
            granted = true,
            source = "api",
            ip = ApiIp,
            userAgent = ApiAgent,
        }))
        {
            await Http.AssertStatusAsync(consent, HttpStatusCode.Created);
        }

        Guid permitId;
        using (var permit = await api.PostAsJsonAsync("/api/permits", new
        {
            externalRef = "SICANTIK-2026-PDP-1",
            permitNumber = "503/0777/IUM/2026",
            permitType = "Izin Usaha Mikro",
            status = "issued",
            holder = new { phone = "0812-7777-5001", name = Name, email = Email },
            issuedOn = "2026-11-25",
            expiresOn = "2027-11-25",
            links = new { download = "https://perizinan.example.id/izin/0777?t=pribadi" },
        }))
        {
            Assert.True(permit.IsSuccessStatusCode, await permit.Content.ReadAsStringAsync());
            permitId = (await KabarApp.ReadAsync<JsonElement>(permit)).GetProperty("id").GetGuid();
        }

        await app.SendAndSettleAsync();

        var at = app.Time.GetUtcNow();
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.MessagesFrom([(WaId, Name, null)],
            Meta.Text(WaId, "wamid.PDP-INBOUND-1", at, $"Halo, saya {Name}, email saya {Email}. Izin saya sudah jadi?"))));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.PostWebhookOkAsync(Meta.Envelope(Meta.MessagesFrom([(WaId, Name, null)],
            Meta.Text(WaId, "wamid.PDP-INBOUND-2", app.Time.GetUtcNow(), "STOP"))));
        await app.SendAndSettleAsync();

        // WhatsApp is withdrawn: the next notice goes by SMS; the one after fails on SMS and goes by e-mail.
        await app.EnqueueAsync(new { type = "permit_ready", contactId, @params = PartnerParams() });
        await app.SendAndSettleAsync();
        app.Sms().FailNext(Phone, retryable: false);
        await app.EnqueueAsync(new { type = "permit_ready", contactId, @params = PartnerParams() });
        await app.SendAndSettleAsync();
        await app.AdvanceAsync(TimeSpan.FromMinutes(1));

        // A status post for the person's WhatsApp message that is still in the webhook inbox, as
        // Meta sent it (the status worker has not expanded it yet). A post of one status goes
        // straight to its status row; one of two is kept as it came.
        var wamid = await app.WithDbAsync(d => d.DeliveryAttempts
            .Where(a => a.ContactId == contactId && a.Channel == Channel.WhatsApp && a.ProviderMessageId != null)
            .Select(a => a.ProviderMessageId!).FirstAsync());
        using (var pending = await app.PostWebhookAsync(Meta.Envelope(Meta.Statuses(
            Meta.Status(wamid, "delivered", app.Time.GetUtcNow(), WaId), Meta.Status(wamid, "read", app.Time.GetUtcNow(), WaId)))))
        {
            Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        }

        return new SeededPerson(contactId, permitId, Phone, Name, Email, [FormIp, ApiIp], [FormAgent, ApiAgent]);
    }

    private static object PartnerParams() => new
    {
        partner_name = Name,
        permit_type = "Izin Usaha Mikro",
        permit_number = "503/0777/IUM/2026",
        issue_date = "25-11-2026",
        download_link = "https://perizinan.example.id/izin/0777?t=pribadi",
    };

    /// <summary>
    /// Reads every column of every table of the EF model as raw SQL values and returns, per needle,
    /// where it was found ("Table.Column"). Values are read as the database holds them, so a
    /// converter or a query filter cannot hide anything; a blob is also read inflated when it is a
    /// zlib stream, so compression cannot either.
    /// </summary>
    public static async Task<List<string>> FindAsync(KabarApp app, IEnumerable<string> needles)
    {
        var wanted = needles.Where(n => n.Length >= 4).Distinct().ToList();
        return await app.WithDbAsync(async db =>
        {
            var found = new List<string>();
            var tables = db.Model.GetEntityTypes().Select(t => (Table: t.GetTableName(), Schema: t.GetSchema()))
                .Where(t => t.Table is not null).Distinct().ToList();
            Assert.Contains(tables, t => t.Table == "DataSubjectRequests");
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                foreach (var (table, schema) in tables)
                {
                    await using DbCommand command = connection.CreateCommand();
                    command.CommandText = $"SELECT * FROM {(schema is null ? "" : $"\"{schema}\".")}\"{table}\"";
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        for (var i = 0; i < reader.FieldCount; i++)
                        {
                            if (reader.IsDBNull(i))
                            {
                                continue;
                            }

                            var value = reader.GetValue(i) switch
                            {
                                string s => s,
                                byte[] b => System.Text.Encoding.UTF8.GetString(b) + "\n" + Inflated(b),
                                var o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                            };
                            foreach (var needle in wanted.Where(n => value.Contains(n, StringComparison.OrdinalIgnoreCase)))
                            {
                                found.Add($"{table}.{reader.GetName(i)} holds '{needle}'");
                            }
                        }
                    }
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return found.Distinct().ToList();
        });
    }

    /// <summary>The text a zlib stream (RFC 1950) holds, or "" when the bytes are not one.</summary>
    private static string Inflated(byte[] bytes)
    {
        // A zlib header: compression method 8 and a check that makes the first two bytes a multiple of 31.
        if (bytes.Length < 2 || (bytes[0] & 0x0F) != 8 || ((bytes[0] << 8) | bytes[1]) % 31 != 0)
        {
            return "";
        }

        try
        {
            using var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
            using var text = new StreamReader(zlib, System.Text.Encoding.UTF8);
            return text.ReadToEnd();
        }
        catch (InvalidDataException)
        {
            return "";
        }
    }
}
