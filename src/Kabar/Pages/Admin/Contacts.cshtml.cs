using Kabar.Contacts;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin/contacts</c>: find a person by phone number (in any usual form) or name.</summary>
public sealed class ContactsModel(KabarDbContext db, PhoneNormalizer phones) : AdminPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<Contact> Found { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Q))
        {
            Found = await db.Contacts.AsNoTracking().OrderByDescending(c => c.UpdatedAt).Take(20).ToListAsync(ct);
            return Page();
        }

        if (phones.Normalize(Q) is { } phone)
        {
            var match = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Phone == phone, ct);
            if (match is not null)
            {
                return LocalRedirect($"/admin/contacts/{match.Id}");
            }
        }

        var term = Q.Trim();
        Found = await db.Contacts.AsNoTracking().Where(c => c.Name != null && c.Name.Contains(term))
            .OrderBy(c => c.Name).Take(50).ToListAsync(ct);
        return Page();
    }
}
