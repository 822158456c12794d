using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/notifications/{id}</c>: why a notification went where it went — the decision, each attempt's
/// history, errors, cost — and the message itself: the free text sent, or the catalog's template and
/// the SMS and e-mail texts filled in with the notification's parameters.
/// </summary>
public sealed class NotificationModel(KabarDbContext db, IOptions<WhatsAppPriceOptions> prices, TemplateCatalog catalog,
    IOptions<OfficeOptions> office) : AdminPageModel
{
    public NotificationResponse Item { get; private set; } = null!;

    public string? Phone { get; private set; }

    /// <summary>What the person was sent, per channel tried: a heading, the template's name at Meta (for auditors) and the text.</summary>
    public IReadOnlyList<(string Heading, string? Template, string Text)> Texts { get; private set; } = [];

    /// <summary>The texts are the catalog's, filled in (not a free text kept as sent).</summary>
    public bool FromTemplates { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var n = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (n is null)
        {
            return NotFound();
        }

        Item = (await NotificationsApi.ToResponsesAsync(db, [n], prices.Value, ct))[0];
        var contact = n.ContactId is { } c
            ? await db.Contacts.AsNoTracking().Where(x => x.Id == c).Select(x => new { x.Phone, x.Language }).FirstOrDefaultAsync(ct)
            : null;
        Phone = contact?.Phone;
        Texts = Compose(n, contact?.Language ?? "id");
        FromTemplates = n.Kind == MessageKind.Template;
        return Page();
    }

    private List<(string, string?, string)> Compose(Notification n, string language)
    {
        if (n.Kind == MessageKind.Text && n.Body is not null)
        {
            return [(L("Teks WhatsApp yang dikirim", "The WhatsApp text sent"), null, n.Body)];
        }

        if (NotificationCatalog.Find(n.Type) is not { } type)
        {
            return [];
        }

        var values = new Dictionary<string, string>(MessageComposer.ReadParams(n.ParamsJson), StringComparer.Ordinal);
        values.TryAdd("office_name", office.Value.Name);
        var channels = Item.Attempts.Select(a => a.Channel).Append(n.Channel).Where(ch => ch != Channel.None).Distinct();
        var texts = new List<(string, string?, string)>();
        foreach (var channel in channels)
        {
            switch (channel)
            {
                case Channel.WhatsApp when catalog.For(type.Name) is { } template:
                    var lang = template.Languages.ContainsKey(language) ? language : template.Languages.Keys.First();
                    var text = template.Languages[lang];
                    texts.Add((L("Templat WhatsApp", "WhatsApp template") + (lang == "en" ? L(" (Inggris)", " (English)") : L(" (Indonesia)", " (Indonesian)")), template.Name,
                        Fill(text.Body, type.Parameters, values) + (text.Footer is { } footer ? "\n\n" + footer : "")));
                    break;
                case Channel.Sms:
                    texts.Add(("SMS", null, NotificationCatalog.Render(type.Sms.For(language), values)));
                    break;
                case Channel.Email:
                    texts.Add((L("Email", "E-mail"), null, NotificationCatalog.Render(type.EmailSubject.For(language), values) + "\n\n"
                        + NotificationCatalog.Render(type.EmailBody.For(language), values)));
                    break;
            }
        }

        return texts;
    }

    /// <summary>A catalog body's <c>{{1}}</c>… (in the type's parameter order) or <c>{{name}}</c> placeholders, filled in.</summary>
    private static string Fill(string body, IReadOnlyList<string> order, IReadOnlyDictionary<string, string> values)
    {
        for (var i = 0; i < order.Count; i++)
        {
            var value = values.GetValueOrDefault(order[i], "");
            body = body.Replace("{{" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", value, StringComparison.Ordinal)
                .Replace("{{" + order[i] + "}}", value, StringComparison.Ordinal);
        }

        return body;
    }
}
