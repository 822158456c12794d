using Kabar.Common;
using Kabar.Data;
using Microsoft.Extensions.Options;

namespace Kabar.Consent;

/// <summary>
/// The consent texts Kabar itself shows, registered at start-up so evidence can point at them.
/// The registration form's text (<c>daftar-v1</c>) names the office, says what the person agrees
/// to and how to stop (SPEC §3); the opt-in link page's text (<c>tautan-v1</c>) says the same for
/// the number the link was sent to.
/// </summary>
public sealed class BuiltInConsentTexts(KabarDbContext db, ConsentTexts texts, IOptions<OfficeOptions> office,
    ILogger<BuiltInConsentTexts> logger)
{
    public const string RegistrationFormVersion = "daftar-v1";
    public const string RegistrationFormVersionEnglish = "daftar-v1-en";

    public IReadOnlyList<(string Version, string Language, string Text)> All =>
    [
        (RegistrationFormVersion, "id",
            $"Saya setuju menerima pemberitahuan tentang permohonan dan izin saya dari {office.Value.Name} melalui WhatsApp " +
            "di nomor yang saya isi. Saya dapat berhenti kapan saja dengan membalas STOP atau BERHENTI, " +
            "atau lewat tautan berhenti di setiap SMS dan email."),
        (RegistrationFormVersionEnglish, "en",
            $"I agree to receive notices about my applications and permits from {office.Value.Name} on WhatsApp " +
            "at the number I entered. I can stop at any time by replying STOP, or through the stop link in every SMS and email."),
        (Citizens.LinkConsentService.LinkTextVersion, "id",
            $"Saya setuju menerima pemberitahuan tentang permohonan dan izin saya dari {office.Value.Name} melalui WhatsApp " +
            "di nomor yang tertera di halaman ini. Saya dapat berhenti kapan saja dengan membalas STOP atau BERHENTI, " +
            "atau lewat tautan berhenti di setiap SMS dan email."),
        (Citizens.LinkConsentService.LinkTextVersionEnglish, "en",
            $"I agree to receive notices about my applications and permits from {office.Value.Name} on WhatsApp " +
            "at the number shown on this page. I can stop at any time by replying STOP, or through the stop link in every SMS and email."),
    ];

    public async Task EnsureAsync(CancellationToken ct)
    {
        foreach (var (version, language, text) in All)
        {
            if (await texts.RegisterAsync(version, language, text, ct) == ConsentTexts.RegisterResult.Conflict)
            {
                // The office name changed after people consented to the old words: the stored
                // version stays as evidence of what they saw.
                logger.LogWarning("Consent text {Version} is stored with other words than this configuration produces; the stored text is kept", version);
            }
        }

        await db.SaveChangesAsync(ct);
    }
}
