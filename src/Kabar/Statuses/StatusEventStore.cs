using System.Data.Common;
using Kabar.Common;
using Kabar.Data;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Kabar.Statuses;

/// <summary>
/// Status rows in <c>WhatsAppStatusEvents</c>, each (wamid, status) once. Inserted with raw SQL
/// per provider: <c>ON CONFLICT DO NOTHING</c> is what lets a status Meta delivers again (or
/// delivers in two posts at once) land once, which EF Core cannot say.
/// </summary>
internal static class StatusEventStore
{
    /// <summary>The columns a new status is inserted with, in the order of <see cref="Row"/>.</summary>
    internal static readonly string[] Columns =
    [
        nameof(WhatsAppStatusEvent.Wamid), nameof(WhatsAppStatusEvent.Status), nameof(WhatsAppStatusEvent.OccurredAt),
        nameof(WhatsAppStatusEvent.RecipientId), nameof(WhatsAppStatusEvent.RecipientUserId), nameof(WhatsAppStatusEvent.BizOpaqueCallbackData),
        nameof(WhatsAppStatusEvent.ErrorCode), nameof(WhatsAppStatusEvent.ErrorTitle), nameof(WhatsAppStatusEvent.PricingCategory),
        nameof(WhatsAppStatusEvent.PricingType), nameof(WhatsAppStatusEvent.Billable), nameof(WhatsAppStatusEvent.ReceivedAt),
    ];

    private static readonly string ColumnList = string.Join(", ", Columns.Select(c => $"\"{c}\""));

    /// <summary>The statuses of a post as rows, each (wamid, status) once, received <paramref name="now"/>.</summary>
    public static List<WhatsAppStatusEvent> Events(List<StatusItem> items, DateTime now) =>
        items.DistinctBy(s => (s.Wamid, s.Status)).Select(s => new WhatsAppStatusEvent
        {
            Wamid = Limit(s.Wamid, 200)!,
            Status = Limit(s.Status, 16)!,
            OccurredAt = s.OccurredAt,
            RecipientId = Limit(s.RecipientId, 20),
            RecipientUserId = Limit(s.RecipientUserId, 160),
            BizOpaqueCallbackData = Limit(s.BizOpaqueCallbackData, 512),
            ErrorCode = s.ErrorCode,
            ErrorTitle = Limit(s.ErrorTitle, 512),
            PricingCategory = Limit(s.PricingCategory, 40),
            PricingType = Limit(s.PricingType, 40),
            Billable = s.Billable,
            ReceivedAt = now,
        }).ToList();

    /// <summary>
    /// Inserts statuses in the open transaction, skipping any (wamid, status) already stored, and
    /// returns the keys that were new. On SQLite one prepared statement runs row by row (the write
    /// turn is held already); on PostgreSQL one statement takes them all and the unique index
    /// decides, so concurrent deliveries of the same status cannot both land.
    /// </summary>
    public static async Task<HashSet<(string Wamid, string Status)>> InsertAsync(KabarDbContext db,
        List<WhatsAppStatusEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return db.Database.IsSqlite()
            ? await InsertSqliteAsync(db, connection, transaction, events, ct)
            : await InsertPostgresAsync(db, connection, transaction, events, ct);
    }

    private static async Task<HashSet<(string Wamid, string Status)>> InsertSqliteAsync(KabarDbContext db, DbConnection connection,
        DbTransaction? transaction, List<WhatsAppStatusEvent> events, CancellationToken ct)
    {
        // The parameters are made once, by EF Core's own type mappings (so values are stored
        // exactly as EF Core stores them), and given each row's values in turn.
        var fresh = new HashSet<(string, string)>();
        var type = db.Model.FindEntityType(typeof(WhatsAppStatusEvent))!;
        var mappings = Columns.Select(c => type.FindProperty(c)!.GetRelationalTypeMapping()).ToList();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO "WhatsAppStatusEvents" ({ColumnList})
            VALUES ({string.Join(", ", Columns.Select((_, i) => $"@s{i}"))})
            ON CONFLICT ("Wamid", "Status") DO NOTHING
            """;
        var first = Row(events[0]);
        var parameters = mappings.Select((m, c) => m.CreateParameter(command, $"@s{c}", first[c], nullable: true)).ToArray();
        command.Parameters.AddRange(parameters);
        foreach (var e in events)
        {
            var row = Row(e);
            for (var c = 0; c < row.Length; c++)
            {
                parameters[c].Value = (mappings[c].Converter is { } converter ? converter.ConvertToProvider(row[c]) : row[c]) ?? DBNull.Value;
            }

            if (await command.ExecuteNonQueryAsync(ct) > 0)
            {
                fresh.Add((e.Wamid, e.Status));
            }
        }

        return fresh;
    }

    private static async Task<HashSet<(string Wamid, string Status)>> InsertPostgresAsync(KabarDbContext db, DbConnection connection,
        DbTransaction? transaction, List<WhatsAppStatusEvent> events, CancellationToken ct)
    {
        // One statement for all of them: each column as one array, unnested into rows. Every
        // transaction takes the unique index's row locks in the same order (the rows are sorted):
        // Meta delivers the same status in several posts at once, and two inserting shared keys
        // in different orders deadlock (PostgreSQL then aborts one after a second).
        var fresh = new HashSet<(string, string)>();
        var rows = events.OrderBy(e => e.Wamid, StringComparer.Ordinal).ThenBy(e => e.Status, StringComparer.Ordinal)
            .Select(Row).ToList();
        var entity = db.Model.FindEntityType(typeof(WhatsAppStatusEvent))!;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var arrays = new List<string>();
        for (var c = 0; c < Columns.Length; c++)
        {
            var property = entity.FindProperty(Columns[c])!;
            var values = Array.CreateInstance(property.ClrType, rows.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                values.SetValue(rows[r][c], r);
            }

            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@a{c}";
            parameter.Value = values;
            command.Parameters.Add(parameter);
            arrays.Add($"@a{c}::{property.GetColumnType()}[]");
        }

        command.CommandText = $"""
            INSERT INTO "WhatsAppStatusEvents" ({ColumnList})
            SELECT * FROM unnest({string.Join(", ", arrays)})
            ON CONFLICT ("Wamid", "Status") DO NOTHING
            RETURNING "Wamid", "Status"
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            fresh.Add((reader.GetString(0), reader.GetString(1)));
        }

        return fresh;
    }

    /// <summary>Orders rows of <see cref="Row"/> by (wamid, status), the unique index's order.</summary>
    internal static int KeyOrder(object?[] a, object?[] b)
    {
        var wamid = string.CompareOrdinal((string)a[0]!, (string)b[0]!);
        return wamid != 0 ? wamid : string.CompareOrdinal((string)a[1]!, (string)b[1]!);
    }

    internal static object?[] Row(WhatsAppStatusEvent e) =>
        [e.Wamid, e.Status, e.OccurredAt, e.RecipientId, e.RecipientUserId, e.BizOpaqueCallbackData,
            e.ErrorCode, e.ErrorTitle, e.PricingCategory, e.PricingType, e.Billable, e.ReceivedAt];

    private static string? Limit(string? value, int max) => TextLimits.Cut(value, max);
}
