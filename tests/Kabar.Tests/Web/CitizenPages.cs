using System.Text.RegularExpressions;
using Kabar.Consent;
using Kabar.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Kabar.Tests.Web;

/// <summary>What the citizen-page tests share: finding links in messages and reading a person's state.</summary>
internal static partial class CitizenPages
{
    public const string Office = "DPMPTSP Kabupaten Karo";
    public const string PermitType = "Izin Reklame";

    [GeneratedRegex(@"https?://[^\s]+/opt-in/[A-Za-z0-9_-]{43}")]
    public static partial Regex OptInLink();

    [GeneratedRegex(@"https?://[^\s]+/opt-out/[A-Za-z0-9_-]{43}")]
    public static partial Regex OptOutLink();

    public static string OnlyLink(Regex pattern, string text)
    {
        var matches = pattern.Matches(text);
        Assert.True(matches.Count == 1, $"Expected one link matching {pattern} in: {text}");
        return matches[0].Value;
    }

    public static string PathOf(string link) => new Uri(link).PathAndQuery;

    /// <summary>The last SMS a number received.</summary>
    public static string LastSms(KabarApp app, string phone) => app.Sms().Received(phone)[^1].Text;

    public static Task<Kabar.Contacts.Contact> ContactAsync(KabarApp app, string phone) =>
        app.WithDbAsync(db => db.Contacts.AsNoTracking().FirstAsync(c => c.Phone == phone));

    public static Task<List<ConsentEvent>> EventsAsync(KabarApp app, Guid contactId) =>
        app.WithDbAsync(db => db.ConsentEvents.AsNoTracking().Where(e => e.ContactId == contactId).OrderBy(e => e.Seq).ToListAsync());

    /// <summary>Fills and submits <c>/daftar</c> as a person would, with labels and the mouse.</summary>
    public static async Task RegisterAsync(IPage page, string name, string phone, bool tick, string? email = null, string query = "")
    {
        await page.GotoAsync("/daftar" + query);
        await page.GetByLabel("Nama lengkap").FillAsync(name);
        await page.GetByLabel("Nomor HP").FillAsync(phone);
        if (email is not null)
        {
            await page.GetByLabel("Email (tidak wajib)").FillAsync(email);
        }

        await page.GetByLabel("Jenis izin").SelectOptionAsync(PermitType);
        if (tick)
        {
            await page.GetByRole(AriaRole.Checkbox).CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Kirim pendaftaran" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Pendaftaran diterima");
    }

    /// <summary>An unregistered person gets a permit notice: it goes by SMS with an opt-in link. Returns that link.</summary>
    public static async Task<string> SmsWithOptInLinkAsync(KabarApp app, string phone, string? email = null)
    {
        await app.CreateContactAsync(phone, optedIn: false, email: email);
        await app.PermitReadyAsync(phone);
        await app.DispatchAsync();
        return OnlyLink(OptInLink(), LastSms(app, phone));
    }
}
