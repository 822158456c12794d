using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.WhatsApp;

/// <summary>
/// Finds or creates the contacts of one webhook batch with one query (SPEC §4 step 2): by
/// business-scoped id, then <c>wa_id</c>, then the phone the <c>wa_id</c> stands for.
/// </summary>
internal sealed class ContactResolver(KabarDbContext db)
{
    private readonly List<Contact> known = [];
    private readonly HashSet<Guid> stored = [];

    public async Task LoadAsync(IEnumerable<(string? WaId, string? UserId)> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        var waIds = list.Select(i => i.WaId).OfType<string>().Distinct().ToList();
        var userIds = list.Select(i => i.UserId).OfType<string>().Distinct().ToList();
        var phones = waIds.Select(PhoneNormalizer.FromWaId).OfType<string>().Distinct().ToList();
        if (waIds.Count == 0 && userIds.Count == 0)
        {
            return;
        }

        var found = await db.Contacts
            .Where(c => (c.WaId != null && waIds.Contains(c.WaId))
                        || (c.Phone != null && phones.Contains(c.Phone))
                        || (c.BusinessScopedUserId != null && userIds.Contains(c.BusinessScopedUserId)))
            .ToListAsync(ct);
        known.AddRange(found);
        stored.UnionWith(found.Select(c => c.Id));
    }

    public bool IsStored(Guid id) => stored.Contains(id);

    public bool PhoneTaken(string phone, Guid except) =>
        known.Any(c => c.Phone == phone && c.Id != except)
        || db.Contacts.Any(c => c.Phone == phone && c.Id != except);

    public Contact Resolve(string? waId, string? userId, string? profileName, DateTime now)
    {
        var phone = PhoneNormalizer.FromWaId(waId);
        var contact = (userId is null ? null : known.FirstOrDefault(c => c.BusinessScopedUserId == userId))
                      ?? (waId is null ? null : known.FirstOrDefault(c => c.WaId == waId))
                      ?? (phone is null ? null : known.FirstOrDefault(c => c.Phone == phone));
        if (contact is null)
        {
            contact = new Contact
            {
                Id = Guid.CreateVersion7(),
                Phone = phone,
                WaId = waId,
                BusinessScopedUserId = userId,
                Name = TextLimits.Cut(profileName, 200),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Contacts.Add(contact);
            known.Add(contact);
            return contact;
        }

        // Fill what was missing; never overwrite what the office registered.
        if (contact.WaId is null && waId is not null)
        {
            contact.WaId = waId;
        }

        if (contact.Phone is null && phone is not null && !known.Any(c => c.Phone == phone && c.Id != contact.Id))
        {
            contact.Phone = phone;
        }

        if (contact.BusinessScopedUserId is null && userId is not null
            && !known.Any(c => c.BusinessScopedUserId == userId && c.Id != contact.Id))
        {
            contact.BusinessScopedUserId = userId;
        }

        contact.Name ??= TextLimits.Cut(profileName, 200);
        return contact;
    }
}
