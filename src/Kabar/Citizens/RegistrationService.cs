using System.Globalization;
using System.Security.Cryptography;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Citizens;

/// <summary>What the registration form submitted, already validated; the phone is E.164.</summary>
public sealed record RegistrationInput(string Name, string Phone, string? Email, string PermitType, bool WhatsAppConsent,
    string Language, string? Ip, string? UserAgent);

/// <summary>
/// Records a submission of <c>/daftar</c> in one transaction: the contact (created when the number
/// is new; a known person's details are left as they are), the registration, the consent event when the box was ticked, and the
/// acknowledgement notification (<c>status_update</c>: submitted → received). An unticked box
/// records no consent; the acknowledgement then goes by SMS or e-mail and carries the opt-in link.
/// </summary>
public sealed class RegistrationService(IServiceScopeFactory scopes, NotificationWriter writer, TimeProvider time,
    IOptions<CitizenOptions> options, StatusLinks statusLinks, IOptions<PolicyOptions> policy,
    ILogger<RegistrationService> logger)
{
    /// <summary>A second identical submission this soon (a reload, a double tap) returns the first.</summary>
    public static readonly TimeSpan ResubmitWindow = TimeSpan.FromMinutes(10);

    private const string ReferenceAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public async Task<Registration> RegisterAsync(RegistrationInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await statusLinks.EnsureReadyAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var textVersion = input.Language == CitizenLanguage.English
            ? BuiltInConsentTexts.RegistrationFormVersionEnglish
            : BuiltInConsentTexts.RegistrationFormVersion;
        var (registration, fresh) = await scopes.RunWithRetryAsync((sp, token) => RecordAsync(sp, input, textVersion, now, token), ct);

        if (fresh)
        {
            writer.Wake();
            logger.LogInformation("Registration {Reference} recorded for {Phone}: WhatsApp consent {Consent}, acknowledgement {Acknowledged}",
                registration.Reference, input.Phone, input.WhatsAppConsent, registration.NotificationId is not null);
        }

        return registration;
    }

    /// <summary>One try of the transaction: a resubmission returns the first registration and false.</summary>
    private async Task<(Registration Registration, bool Fresh)> RecordAsync(IServiceProvider sp, RegistrationInput input, string textVersion,
        DateTime now, CancellationToken token)
    {
        var db = sp.GetRequiredService<KabarDbContext>();
        var (contact, same) = await FindOrAddContactAsync(sp, db, input, now, token);
        if (same is not null)
        {
            return (same, false);
        }

        var registration = new Registration
        {
            Id = Guid.CreateVersion7(),
            Reference = NewReference(now),
            ContactId = contact.Id,
            Name = input.Name,
            Email = input.Email,
            PermitType = input.PermitType,
            Language = input.Language,
            WhatsAppConsent = input.WhatsAppConsent,
            ConsentTextVersion = textVersion,
            Ip = input.Ip,
            UserAgent = input.UserAgent is { Length: > 512 } ua ? ua[..512] : input.UserAgent,
            CreatedAt = now,
        };

        // The tick grants WhatsApp to a number with no consent yet. It does not undo an earlier
        // STOP: the form cannot tell who typed the number, so the person turns WhatsApp back on
        // themselves (MULAI, or an opt-in link), as the page says.
        if (input.WhatsAppConsent && contact.WhatsAppConsent == ConsentState.Unknown)
        {
            var e = await sp.GetRequiredService<ConsentLedger>().AppendAsync(contact, ConsentScope.WhatsApp, ConsentAction.Granted,
                ConsentSource.RegistrationForm, now, now,
                new ConsentEvidence { TextVersion = textVersion, Ip = input.Ip, UserAgent = input.UserAgent }, token);
            registration.ConsentEventId = e.Id;
        }

        var dayAgo = now.AddDays(-1);
        var acknowledged = await db.Registrations.CountAsync(
            r => r.ContactId == contact.Id && r.CreatedAt > dayAgo && r.NotificationId != null, token);
        if (acknowledged < options.Value.AcknowledgementsPerNumberPerDay)
        {
            var type = NotificationCatalog.Find("status_update")!;
            var notification = writer.Add(db, contact, type, AcknowledgementParams(registration, now), now,
                new NotificationOrigin(IdempotencyKey: $"daftar:{registration.Id}"));
            registration.NotificationId = notification.Id;
        }

        db.Registrations.Add(registration);
        await db.SaveChangesAsync(token);
        return (registration, true);
    }

    /// <summary>The person with this number, added when new; or the same registration made moments ago.</summary>
    private static async Task<(Contact Contact, Registration? Same)> FindOrAddContactAsync(IServiceProvider sp, KabarDbContext db,
        RegistrationInput input, DateTime now, CancellationToken token)
    {
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Phone == input.Phone, token);
        if (contact is null)
        {
            contact = new Contact
            {
                Id = Guid.CreateVersion7(),
                Phone = input.Phone,
                Name = input.Name,
                Email = input.Email,
                Language = input.Language,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Contacts.Add(contact);

            // A number whose owner was erased starts withdrawn: the tick below then grants
            // nothing, exactly as for a known person who said STOP.
            await sp.GetRequiredService<Privacy.ErasureRegistry>().CarryOverAsync(db, contact, now, token);
        }
        else
        {
            var since = now - ResubmitWindow;
            var same = await db.Registrations.AsNoTracking()
                .Where(r => r.ContactId == contact.Id && r.CreatedAt >= since && r.PermitType == input.PermitType
                    && r.WhatsAppConsent == input.WhatsAppConsent && r.Name == input.Name)
                .OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(token);
            if (same is not null)
            {
                return (contact, same);
            }

            // Anyone can type anyone's number into an unauthenticated form: it changes nothing
            // about a known person (an e-mail typed here could divert their permit notices).
            // The registration row keeps what was typed for the office to check.
            contact.UpdatedAt = now;
        }

        return (contact, null);
    }

    /// <summary>The acknowledgement's parameters: its "details" link is the registration's own status page.</summary>
    private Dictionary<string, string> AcknowledgementParams(Registration registration, DateTime now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var english = registration.Language == CitizenLanguage.English;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["registration_id"] = registration.Reference,
            ["old_status"] = english ? "Submitted" : "Diajukan",
            ["new_status"] = english ? "Received" : "Diterima",
            ["changed_at"] = local.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + ZoneAbbreviation(policy.Value.TimeZone),
            ["detail_link"] = statusLinks.LinkFor(registration.Id),
        };
    }

    /// <summary>WIB, WITA or WIT for Indonesia's zones; the IANA name elsewhere.</summary>
    public static string ZoneAbbreviation(string zone) => zone switch
    {
        "Asia/Jakarta" or "Asia/Pontianak" => "WIB",
        "Asia/Makassar" => "WITA",
        "Asia/Jayapura" => "WIT",
        _ => zone,
    };

    private static string NewReference(DateTime now)
    {
        Span<char> code = stackalloc char[6];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = ReferenceAlphabet[RandomNumberGenerator.GetInt32(ReferenceAlphabet.Length)];
        }

        return $"REG-{now:yyyyMMdd}-{code}";
    }
}
