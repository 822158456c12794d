using System.Net.Mail;
using Kabar.Citizens;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Kabar.Pages;

/// <summary>
/// <c>/daftar</c>: the public registration form (SPEC §3). The WhatsApp box starts unticked and its
/// words are the stored consent text, so the evidence points at exactly what the person read. The
/// answer is the same whether or not the number was known.
/// </summary>
[EnableRateLimiting(WebExtensions.FormsPolicy)]
public sealed class DaftarModel(RegistrationService registrations, ConsentTexts texts, PhoneNormalizer phones,
    IOptions<CitizenOptions> options, Decisions.DecisionInputs decisions, StatusLinks statusLinks, TimeProvider time) : CitizenPageModel
{
    [BindProperty]
    public RegistrationFields Input { get; set; } = new();

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string ConsentText { get; private set; } = "";

    public IReadOnlyList<string> PermitTypes => options.Value.EffectivePermitTypes;

    /// <summary>Set after a successful submission: the page then shows what happens next.</summary>
    public Registration? Done { get; private set; }

    public string? MaskedPhone { get; private set; }

    public string? MaskedEmail { get; private set; }

    /// <summary>What will be sent, channel by channel (set with <see cref="Done"/>).</summary>
    public AcknowledgementPromise? Promise { get; private set; }

    /// <summary>The registration's own status page (set with <see cref="Done"/>).</summary>
    public string? StatusLink { get; private set; }

    /// <summary>Where SMS goes, in words: "nomor HP Indonesia" unless the office allows more countries.</summary>
    public string SmsNumbers => decisions.Policy.SmsCountries.Count == 1 && decisions.Policy.SmsCountries.Contains("ID")
        ? L("nomor HP Indonesia", "Indonesian mobile numbers")
        : L("nomor HP dari negara yang kami layani", "mobile numbers in the countries we serve");

    public async Task OnGetAsync(CancellationToken ct) => await LoadConsentTextAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadConsentTextAsync(ct);
        var name = Input.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            Errors["name"] = L("Tulis nama lengkap Anda.", "Enter your full name.");
        }
        else if (name.Length is < 2 or > 100)
        {
            Errors["name"] = L("Nama harus 2 sampai 100 huruf.", "Your name must be 2 to 100 characters long.");
        }

        var phone = phones.Normalize(Input.Phone);
        if (string.IsNullOrWhiteSpace(Input.Phone))
        {
            Errors["phone"] = L("Tulis nomor HP Anda.", "Enter your mobile number.");
        }
        else if (phone is null)
        {
            Errors["phone"] = L("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.",
                "We do not recognise this mobile number. Write it like 0812 3456 7890 or +62 812 3456 7890.");
        }

        var email = string.IsNullOrWhiteSpace(Input.Email) ? null : Input.Email.Trim().ToLowerInvariant();
        if (email is not null && !IsEmail(email))
        {
            Errors["email"] = L("Alamat email tidak valid. Tulis seperti nama@contoh.id, atau kosongkan.",
                "This email address is not valid. Write it like name@example.id, or leave it empty.");
        }
        else if (phone is not null && email is null && !AcknowledgementPromise.CanTakeSms(phone, decisions.Policy))
        {
            // A landline or a foreign number would be promised an SMS that is never sent: say so
            // before accepting it, and offer the e-mail field.
            Errors["phone"] = L($"Nomor ini tidak bisa menerima SMS dari kami: SMS hanya kami kirim ke {SmsNumbers}. Tulis nomor HP seperti 0812 3456 7890, atau isi kolom Email agar kami bisa mengabari Anda lewat email.",
                $"This number cannot receive our SMS: we send SMS to {SmsNumbers} only. Enter a mobile number like 0812 3456 7890, or fill in the Email field so we can reach you by email.");
        }

        if (string.IsNullOrWhiteSpace(Input.PermitType) || !PermitTypes.Contains(Input.PermitType))
        {
            Errors["permitType"] = L("Pilih jenis izin yang Anda ajukan.", "Choose the type of permit you are applying for.");
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var (ip, userAgent) = Evidence();
        Done = await registrations.RegisterAsync(
            new RegistrationInput(name, phone!, email, Input.PermitType!, Input.WhatsAppConsent, Lang, ip, userAgent), ct);
        MaskedPhone = Pii.MaskPhone(phone);
        MaskedEmail = email is null ? null : Pii.MaskEmail(email);
        Promise = AcknowledgementPromise.For(phone!, email, Input.WhatsAppConsent, Done.NotificationId is not null, decisions.Policy,
            time.GetUtcNow().UtcDateTime);
        StatusLink = "/status/" + statusLinks.TokenFor(Done.Id);
        return Page();
    }

    private async Task LoadConsentTextAsync(CancellationToken ct)
    {
        var version = English ? BuiltInConsentTexts.RegistrationFormVersionEnglish : BuiltInConsentTexts.RegistrationFormVersion;
        ConsentText = (await texts.FindAsync(version, ct))?.Text ?? "";
    }

    private static bool IsEmail(string value) =>
        value.Length <= 254 && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && value.Contains('.', StringComparison.Ordinal);

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public sealed class RegistrationFields
    {
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public string? PermitType { get; set; }
        public bool WhatsAppConsent { get; set; }
    }
}
