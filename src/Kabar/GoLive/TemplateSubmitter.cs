using System.Text.Json;
using Kabar.Common;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.GoLive;

/// <summary>
/// <c>kabar whatsapp templates submit [--type T] [--dry-run]</c>: creates at Meta, through
/// <c>POST /{waba-id}/message_templates</c>, each catalog template the business account does not
/// have yet, with its examples, and records it as Meta answered (usually PENDING; the status
/// webhook and <c>template-sync</c> follow it from there). A template Meta already has is never
/// changed: when its text differs from the catalog, the steps to change it at Meta are printed.
/// </summary>
public sealed class TemplateSubmitter(GraphManagementClient graph, IOptions<WhatsAppOptions> whatsApp, TemplateCatalog catalog,
    KabarDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<SubmitLine>> SubmitAsync(string? type, bool dryRun, CancellationToken ct)
    {
        var lines = new List<SubmitLine>();
        if (catalog.Problems.Count > 0)
        {
            lines.AddRange(catalog.Problems.Select(p => new SubmitLine("refused", "catalog", "-", $"{p} ({catalog.Path})")));
            return lines;
        }

        var chosen = catalog.Templates.Where(t => type is null || t.Type == type).ToList();
        var waba = Uri.EscapeDataString(whatsApp.Value.EffectiveWabaId);
        var (found, error) = await graph.GetAllAsync($"{waba}/message_templates?fields={MetaTemplate.Fields}&limit=100", ct);
        if (error is not null)
        {
            lines.Add(new SubmitLine("failed", "message_templates", "-", $"cannot read the business account's templates: {error}"));
            return lines;
        }

        var remote = found.Select(MetaTemplate.Read).GroupBy(t => (t.Name, t.Language)).ToDictionary(g => g.Key, g => g.First());
        foreach (var template in chosen)
        {
            foreach (var (language, text) in template.Languages)
            {
                if (remote.TryGetValue((template.Name, language), out var meta))
                {
                    lines.Add(Existing(template, language, text, meta));
                    continue;
                }

                var body = RequestBody(template, language, text);
                if (dryRun)
                {
                    lines.Add(new SubmitLine("would submit", template.Name, language, $"POST /{waba}/message_templates {System.Text.Encoding.UTF8.GetString(body)}"));
                    continue;
                }

                var answer = await graph.PostAsync($"{waba}/message_templates", body, null, ct);
                if (answer.Error is { } failure)
                {
                    // Meta's refusal of the template, or no answer at all (rate limit, network): the office acts differently.
                    lines.Add(new SubmitLine(failure.Code is null || failure.Throttled ? "failed" : "rejected", template.Name, language, failure.ToString()));
                    continue;
                }

                var id = JsonText.StringOrNumberOf(answer.Body, "id") ?? "?";
                var status = JsonText.StringOf(answer.Body, "status") ?? "PENDING";
                var category = JsonText.StringOf(answer.Body, "category") ?? template.Category;
                await RecordAsync(template, language, text, id, status, category, ct);
                var note = category.Equals(template.Category, StringComparison.OrdinalIgnoreCase) ? ""
                    : $"; Meta filed it as {category}, not {template.Category}: check the wording";
                lines.Add(status == "REJECTED"
                    ? new SubmitLine("rejected", template.Name, language, $"id {id}, REJECTED at once{note}: see the reason in WhatsApp Manager (Message templates), "
                        + "correct the catalog, delete the template there and submit again")
                    : new SubmitLine("submitted", template.Name, language, $"id {id}, {status}{note}"));
            }
        }

        return lines;
    }

    /// <summary>The request exactly as Meta documents it: name, language, category, parameter format, BODY with examples, FOOTER.</summary>
    internal static byte[] RequestBody(CatalogTemplate template, string language, CatalogText text)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", template.Name);
            w.WriteString("language", language);
            w.WriteString("category", template.Category);
            w.WriteString("parameter_format", template.Named ? "NAMED" : "POSITIONAL");
            w.WriteStartArray("components");
            w.WriteStartObject();
            w.WriteString("type", "BODY");
            w.WriteString("text", text.Body);
            if (text.Examples.Count > 0)
            {
                w.WriteStartObject("example");
                if (template.Named)
                {
                    w.WriteStartArray("body_text_named_params");
                    var names = TemplateRules.Placeholders(text.Body).Distinct(StringComparer.Ordinal).ToList();
                    for (var i = 0; i < names.Count && i < text.Examples.Count; i++)
                    {
                        w.WriteStartObject();
                        w.WriteString("param_name", names[i]);
                        w.WriteString("example", text.Examples[i]);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }
                else
                {
                    w.WriteStartArray("body_text");
                    w.WriteStartArray();
                    foreach (var example in text.Examples)
                    {
                        w.WriteStringValue(example);
                    }

                    w.WriteEndArray();
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            if (text.Footer is { } footer)
            {
                w.WriteStartObject();
                w.WriteString("type", "FOOTER");
                w.WriteString("text", footer);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static SubmitLine Existing(CatalogTemplate template, string language, CatalogText text, MetaTemplate meta)
    {
        if (meta.Status == "REJECTED")
        {
            return new SubmitLine("rejected", template.Name, language,
                $"Meta rejected it earlier ({meta.RejectedReason ?? "no reason given"}): correct the catalog, delete the template in WhatsApp Manager "
                + "(Message templates) and submit again");
        }

        var same = meta.Body == text.Body && (meta.Footer ?? "") == (text.Footer ?? "");
        if (same || meta.Body is null)
        {
            return new SubmitLine("exists", template.Name, language, meta.Status);
        }

        return new SubmitLine("differs", template.Name, language,
            $"Meta has it ({meta.Status}) with another text, and Kabar never changes a template Meta holds. To change it: open WhatsApp Manager, "
            + $"Message templates, {template.Name}, language {language}; edit the body to the catalog's text (Meta allows an approved template "
            + "one edit a day) and submit it for review; or, to undo the change, put Meta's text back in the catalog. Meta's text: "
            + $"\"{meta.Body}\"; the catalog's: \"{text.Body}\"");
    }

    /// <summary>The console and the API see the new template at once, before the next <c>template-sync</c>.</summary>
    private async Task RecordAsync(CatalogTemplate template, string language, CatalogText text, string id, string status, string category,
        CancellationToken ct)
    {
        try
        {
            await RecordOnceAsync(template, language, text, id, status, category, ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Meta's approval webhook recorded the template in between: update that row instead.
            db.ChangeTracker.Clear();
            await RecordOnceAsync(template, language, text, id, status, category, ct);
        }
    }

    private async Task RecordOnceAsync(CatalogTemplate template, string language, CatalogText text, string id, string status, string category,
        CancellationToken ct)
    {
        var row = await db.WhatsAppTemplates.FirstOrDefaultAsync(t => t.Name == template.Name && t.Language == language, ct);
        if (row is null)
        {
            row = new WhatsAppTemplate { Name = template.Name, Language = language, Status = status };
            db.WhatsAppTemplates.Add(row);
        }
        else if (row.RemoteId != id || string.IsNullOrEmpty(row.Status))
        {
            row.Status = status;
        }

        // else Meta's status webhook came first (a quick approval): it is newer than the answer to the POST.
        var format = template.Named ? "NAMED" : "POSITIONAL";
        row.RemoteId = id;
        row.Category = category;
        row.ParameterFormat = format;
        row.BodyParameters = string.Join(',', CloudApiClient.BodyParameterNames(text.Body, format));
        row.SyncedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
    }
}
