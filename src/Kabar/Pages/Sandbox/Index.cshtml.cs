using Kabar.Contacts;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Sandbox;

/// <summary>
/// <c>/sandbox</c>: pick whose phone to play (SPEC §7) — a contact Kabar knows, most recently
/// changed first, or any number typed in (a stranger who writes MULAI is a real case too).
/// </summary>
[SandboxOnly]
public sealed class IndexModel(KabarDbContext db, PhoneNormalizer phones) : CitizenPageModel
{
    // Enough to find the people of a demo or a test session; the page stays small.
    private const int Shown = 50;

    public IReadOnlyList<KnownContact> Contacts { get; private set; } = [];

    /// <summary>The number as typed, shown again next to its error.</summary>
    public string? Phone { get; private set; }

    public string? PhoneError { get; private set; }

    /// <summary>A GET form: choosing a phone changes nothing, so the address may be bookmarked.</summary>
    public async Task<IActionResult> OnGetAsync(string? phone, CancellationToken ct)
    {
        if (phone is not null)
        {
            var normalized = phones.Normalize(phone);
            if (normalized is not null)
            {
                return Redirect(PhoneModel.PathFor(normalized));
            }

            Phone = phone;
            PhoneError = string.IsNullOrWhiteSpace(phone)
                ? L("Tulis nomor HP.", "Enter a mobile number.")
                : L("Nomor HP tidak dikenali. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.",
                    "We do not recognise this mobile number. Write it like 0812 3456 7890 or +62 812 3456 7890.");
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Contacts = await db.Contacts.AsNoTracking()
            .Where(c => c.Phone != null)
            .OrderByDescending(c => c.UpdatedAt)
            .Take(Shown)
            .Select(c => new KnownContact(c.Name, c.Phone!, c.Email))
            .ToListAsync(ct);
        return Page();
    }

    public sealed record KnownContact(string? Name, string Phone, string? Email);
}
