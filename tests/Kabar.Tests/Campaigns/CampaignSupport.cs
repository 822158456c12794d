using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kabar.Campaigns;
using Kabar.Citizens;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Permits;
using Kabar.Tests.Infrastructure;
using Kabar.Tests.Permits;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Tests.Campaigns;

/// <summary>What the campaign tests share: people in the database, campaigns through the API, the job.</summary>
internal static class CampaignSupport
{
    public static readonly DateTime Now = new(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc); // 10:00 WIB

    /// <summary>A person Kabar holds, written straight to the database with the given history.</summary>
    public static async Task<Contact> SeedAsync(KabarApp app, string phone, DateTime? createdAt = null, string? permitType = null,
        ConsentState consent = ConsentState.Unknown, DateTime? lastAsked = null, string? email = null, bool registration = false,
        string language = "id")
    {
        var created = createdAt ?? Now.AddDays(-30);
        var contact = new Contact
        {
            Id = Guid.CreateVersion7(),
            Phone = phone,
            Email = email,
            Name = "Warga " + phone[^4..],
            Language = language,
            WhatsAppConsent = consent,
            LastOptInRequestAt = lastAsked,
            CreatedAt = created,
            UpdatedAt = created,
        };
        await app.WithDbAsync(async d =>
        {
            d.Contacts.Add(contact);
            if (permitType is not null && !registration)
            {
                d.Permits.Add(new Permit
                {
                    Id = Guid.CreateVersion7(),
                    ExternalRef = "REF-" + phone,
                    PermitType = permitType,
                    Status = PermitStatus.InReview,
                    HolderContactId = contact.Id,
                    StatusChangedAt = created,
                    CreatedAt = created,
                    UpdatedAt = created,
                });
            }
            else if (permitType is not null)
            {
                d.Registrations.Add(new Registration
                {
                    Id = Guid.CreateVersion7(),
                    Reference = "REG-" + phone[^8..],
                    ContactId = contact.Id,
                    Name = contact.Name!,
                    PermitType = permitType,
                    ConsentTextVersion = "daftar-v1",
                    CreatedAt = created,
                });
            }

            return await d.SaveChangesAsync();
        });
        return contact;
    }

    public static async Task<List<Contact>> SeedManyAsync(KabarApp app, int count, string prefix = "+62812600")
    {
        var list = new List<Contact>();
        for (var i = 0; i < count; i++)
        {
            list.Add(await SeedAsync(app, $"{prefix}{i:D4}"));
        }

        return list;
    }

    public static object Body(string channel = "sms", int dailyCap = 1000, string from = "09:00", string until = "17:00",
        string? permitType = null, string? registeredFrom = null, string? registeredTo = null, Guid? experimentId = null) => new
        {
            name = "Ajak WhatsApp",
            segment = new { permitType, registeredFrom, registeredTo },
            channel,
            dailyCap,
            sendingHours = new { from, until },
            experimentId,
        };

    public static async Task<Guid> CreateAsync(KabarApp app, object body, bool start = true)
    {
        using var api = app.Api();
        using var response = await api.PostAsJsonAsync("/api/campaigns", body);
        await Http.AssertStatusAsync(response, HttpStatusCode.Created);
        var id = (await KabarApp.ReadAsync<JsonElement>(response)).GetProperty("id").GetGuid();
        if (start)
        {
            await MoveAsync(app, id, "start");
        }

        return id;
    }

    public static async Task<JsonElement> MoveAsync(KabarApp app, Guid id, string action, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var api = app.Api();
        using var response = await api.PostAsync($"/api/campaigns/{id}/{action}", null);
        await Http.AssertStatusAsync(response, expected);
        return await KabarApp.ReadAsync<JsonElement>(response);
    }

    public static async Task<JsonElement> ProgressAsync(KabarApp app, Guid id)
    {
        using var api = app.Api();
        using var response = await api.GetAsync($"/api/campaigns/{id}");
        await Http.AssertStatusAsync(response, HttpStatusCode.OK);
        var body = await KabarApp.ReadAsync<JsonElement>(response);
        return body;
    }

    public static long Figure(this JsonElement campaign, string name) => campaign.GetProperty("progress").GetProperty(name).GetInt64();

    public static Task<JsonElement> RunCampaignsAsync(this KabarApp app) => app.RunJobAsync(CampaignRunner.JobName);

    public static Task<List<CampaignAsk>> AsksAsync(KabarApp app) =>
        app.WithDbAsync(d => d.CampaignAsks.AsNoTracking().ToListAsync());

    /// <summary>The phones that received an SMS containing an opt-in link, with how many each.</summary>
    public static Dictionary<string, int> OptInSmsByPhone(KabarApp app, IEnumerable<string> phones) =>
        phones.ToDictionary(p => p, p => app.Sms().Received(p).Count(m => m.Text.Contains("/opt-in/", StringComparison.Ordinal)));
}
