using System.Data.Common;
using System.Text.Json;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Decisions;

/// <summary>The contacts a bulk decision reads, with only the columns the decision needs (docs/data-access.md).</summary>
internal static class DecisionStore
{
    /// <summary>Only the columns the decision reads.</summary>
    private static IQueryable<Contact> Subjects(IQueryable<Contact> contacts) => contacts.AsNoTracking().Select(c => new Contact
    {
        Id = c.Id,
        Phone = c.Phone,
        BusinessScopedUserId = c.BusinessScopedUserId,
        Email = c.Email,
        WhatsAppConsent = c.WhatsAppConsent,
        MarketingConsent = c.MarketingConsent,
        LastInboundAt = c.LastInboundAt,
        UndeliverableAt = c.UndeliverableAt,
        LastOptInRequestAt = c.LastOptInRequestAt,
    });

    /// <summary>
    /// The columns of <see cref="Subjects"/> for a chunk of ids, read straight from the driver:
    /// one parameter holding the list and no EF Core materialisation, which was three quarters
    /// of the bulk call's reading (docs/benchmarks.md). Same values as EF Core reads them: GUIDs,
    /// the consent states' text, times in UTC.
    /// </summary>
    public static async Task<Dictionary<Guid, Contact>> ByIdsAsync(KabarDbContext db, List<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Contact>(ids.Count);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@ids";
            string filter;
            if (db.Database.IsNpgsql())
            {
                filter = "= ANY(@ids)";
                parameter.Value = ids.ToArray();
            }
            else
            {
                // EF Core keeps a GUID on SQLite as upper-case text.
                filter = "IN (SELECT value FROM json_each(@ids))";
                parameter.Value = JsonSerializer.Serialize(ids.Select(g => g.ToString().ToUpperInvariant()));
            }

            command.Parameters.Add(parameter);
            command.CommandText = $"""
                SELECT "Id", "Phone", "BusinessScopedUserId", "Email", "WhatsAppConsent", "MarketingConsent",
                    "LastInboundAt", "UndeliverableAt", "LastOptInRequestAt"
                FROM "Contacts" WHERE "Id" {filter}
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var contact = new Contact
                {
                    Id = reader.GetGuid(0),
                    Phone = reader.IsDBNull(1) ? null : reader.GetString(1),
                    BusinessScopedUserId = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Email = reader.IsDBNull(3) ? null : reader.GetString(3),
                    WhatsAppConsent = EnumText<ConsentState>.Parse(reader.GetString(4)),
                    MarketingConsent = EnumText<ConsentState>.Parse(reader.GetString(5)),
                    LastInboundAt = Utc(reader, 6),
                    UndeliverableAt = Utc(reader, 7),
                    LastOptInRequestAt = Utc(reader, 8),
                };
                found[contact.Id] = contact;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return found;

        static DateTime? Utc(DbDataReader reader, int i) =>
            reader.IsDBNull(i) ? null : DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);
    }


    /// <summary>The contacts with these phone numbers, keyed by number.</summary>
    public static Task<Dictionary<string, Contact>> ByPhonesAsync(KabarDbContext db, List<string> phones, CancellationToken ct) =>
        // One parameter holding the list (json_each / = ANY), not one per id: far less work per query.
        Subjects(db.Contacts.Where(c => EF.Parameter(phones).Contains(c.Phone!))).ToDictionaryAsync(c => c.Phone!, StringComparer.Ordinal, ct);
}
