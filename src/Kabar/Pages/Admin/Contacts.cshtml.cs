using System.Globalization;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/contacts</c>: every contact, most recently changed first, a page of
/// <see cref="PageSize"/> at a time, with the total; found by name or by a phone number typed in
/// any usual form (whole or part), and filtered by WhatsApp consent. A whole number that matches one
/// contact opens that contact.
/// </summary>
public sealed class ContactsModel(KabarDbContext db, PhoneNormalizer phones) : AdminPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary><c>unknown</c>, <c>granted</c>, <c>withdrawn</c>, or empty for everyone.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Consent { get; set; }

    /// <summary>1-based.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<Contact> Found { get; private set; } = [];

    public int Total { get; private set; }

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public static IReadOnlyList<ConsentState> ConsentStates { get; } = Enum.GetValues<ConsentState>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var term = Q?.Trim() is { Length: > 0 } t ? t[..Math.Min(t.Length, 100)] : null;
        var state = ParseConsent(Consent);
        if (term is not null && state is null && phones.Normalize(term) is { } phone)
        {
            var match = await db.Contacts.AsNoTracking().Where(c => c.Phone == phone).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
            if (match is { } id)
            {
                return LocalRedirect($"/admin/contacts/{id}");
            }
        }

        var query = db.Contacts.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(c => c.WhatsAppConsent == s);
        }

        if (term is not null)
        {
            query = Matching(query, term);
        }

        Total = await query.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Found = await query.OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return Page();
    }

    /// <summary>The link to another page of the same search.</summary>
    public string PageLink(int page)
    {
        var query = new List<string>();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            query.Add("q=" + Uri.EscapeDataString(Q.Trim()));
        }

        if (ParseConsent(Consent) is { } s)
        {
            query.Add("consent=" + EnumText<ConsentState>.Name(s));
        }

        query.Add("p=" + page.ToString(CultureInfo.InvariantCulture));
        return "/admin/contacts?" + string.Join('&', query);
    }

    private static ConsentState? ParseConsent(string? code) => EnumText<ConsentState>.TryParse(code, out var s) ? s : null;

    /// <summary>
    /// A name containing the words (any case), or a phone number containing the digits typed, read
    /// the way staff type a number: a leading 0 stands for Indonesia's +62.
    /// </summary>
    private static IQueryable<Contact> Matching(IQueryable<Contact> query, string term)
    {
        var lower = term.ToLowerInvariant();
        var digits = new string(term.Where(char.IsAsciiDigit).ToArray());
        var looksLikeNumber = digits.Length >= 3 && term.All(ch => char.IsAsciiDigit(ch) || ch is '+' or '-' or ' ' or '(' or ')' or '.');
        if (!looksLikeNumber)
        {
            // Translated to SQL lower(…) LIKE on both databases (PostgreSQL's LIKE alone is case-sensitive,
            // SQLite's is not); it never runs as .NET string code, so the culture rules do not apply.
#pragma warning disable CA1304, CA1311, CA1862
            return query.Where(c => c.Name != null && c.Name.ToLower().Contains(lower));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var part = digits.StartsWith('0') ? "62" + digits[1..] : digits;
        return query.Where(c => c.Phone != null && c.Phone.Contains(part));
    }
}
