using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kabar.WhatsApp;

/// <summary>What a template sync found.</summary>
internal sealed record TemplateSyncResult(int Templates, int Added, int Changed);

/// <summary>
/// The <c>template-sync</c> job: reads every template of the business account from
/// <c>GET /{waba-id}/message_templates</c> and stores name, language, status, category and body
/// parameters, so a notification whose template is not APPROVED is refused at the API.
/// </summary>
internal sealed partial class TemplateSync(KabarDbContext db, IWhatsAppClient client, TimeProvider time, ILogger<TemplateSync> logger)
{
    public async Task<TemplateSyncResult> RunAsync(CancellationToken ct)
    {
        try
        {
            return await SyncAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // A template status webhook added the row between this run's read and its write:
            // read again and update it instead.
            db.ChangeTracker.Clear();
            return await SyncAsync(ct);
        }
    }

    private async Task<TemplateSyncResult> SyncAsync(CancellationToken ct)
    {
        var remote = await client.GetTemplatesAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var stored = await db.WhatsAppTemplates.ToDictionaryAsync(t => (t.Name, t.Language), ct);
        int added = 0, changed = 0;
        foreach (var t in remote.DistinctBy(t => (t.Name, t.Language)))
        {
            var parameters = string.Join(',', t.BodyParameterNames);
            if (!stored.TryGetValue((t.Name, t.Language), out var row))
            {
                row = new WhatsAppTemplate { Name = t.Name, Language = t.Language };
                db.WhatsAppTemplates.Add(row);
                added++;
            }
            else if (row.Status != t.Status || row.BodyParameters != parameters || row.Category != t.Category)
            {
                changed++;
                if (row.Status != t.Status)
                {
                    LogStatusChanged(t.Name, t.Language, row.Status, t.Status);
                }
            }

            row.RemoteId = t.Id;
            row.Status = t.Status;
            row.Category = t.Category;
            row.ParameterFormat = t.ParameterFormat;
            row.BodyParameters = parameters;
            row.SyncedAt = now;
        }

        await db.SaveChangesAsync(ct);
        return new TemplateSyncResult(remote.Count, added, changed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Template {Name} ({Language}) is now {Status} (was {Previous})")]
    private partial void LogStatusChanged(string name, string language, string previous, string status);
}
