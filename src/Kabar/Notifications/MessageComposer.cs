using System.Security.Cryptography;
using System.Text.Json;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.Notifications;

/// <summary>How one notification type maps to its WhatsApp template (<c>Kabar:Templates:{type}</c>).</summary>
internal sealed class TemplateMapping
{
    /// <summary>Defaults to the type's name.</summary>
    public string? Name { get; set; }

    public string Language { get; set; } = "id";

    /// <summary><c>positional</c> (default, parameters in the type's order) or <c>named</c>.</summary>
    public string ParameterFormat { get; set; } = "positional";

    public bool Named => string.Equals(ParameterFormat, "named", StringComparison.OrdinalIgnoreCase);

    /// <summary>The type's mapping from configuration, its name filled in.</summary>
    public static TemplateMapping Read(IConfiguration configuration, string type)
    {
        var m = configuration.GetSection($"Kabar:Templates:{type}").Get<TemplateMapping>() ?? new TemplateMapping();
        m.Name = string.IsNullOrWhiteSpace(m.Name) ? type : m.Name;
        return m;
    }
}

/// <summary>Turns a notification into the WhatsApp request, the SMS text or the e-mail (SPEC §5 master templates).</summary>
public sealed class MessageComposer(IOptions<OfficeOptions> office, IOptions<KabarOptions> kabar, IConfiguration configuration,
    OptIn.OptOutLinks optOut, TemplateCatalog catalog)
{
    private readonly Dictionary<string, TemplateMapping> mappings = NotificationCatalog.All.ToDictionary(
        t => t.Name, t => TemplateMapping.Read(configuration, t.Name), StringComparer.Ordinal);

    internal TemplateMapping MappingFor(string type) => mappings[type];

    /// <summary>Loads what composing needs from the database (the stop links' key).</summary>
    public Task EnsureReadyAsync(CancellationToken ct) => optOut.EnsureReadyAsync(ct);

    public static Dictionary<string, string> ReadParams(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>
    /// The template send: in the contact's language when the office's catalog has the type in it
    /// and Meta approved that template (<paramref name="synced"/>; before the first sync Kabar cannot
    /// know and trusts the catalog), else in the mapping's language.
    /// </summary>
    public TemplateContent Template(NotificationType type, IReadOnlyDictionary<string, string> parameters, string? language = null,
        IReadOnlyDictionary<(string Name, string Language), string>? synced = null)
    {
        var mapping = mappings[type.Name];
        var named = mapping.Named;
        var values = type.Parameters
            .Select(p => new TemplateParameter(named ? p : null, parameters.GetValueOrDefault(p, "")))
            .ToList();
        var chosen = language is not null && catalog.For(type.Name)?.Languages.ContainsKey(language) == true
            && (synced is null || synced.Count == 0 || synced.GetValueOrDefault((mapping.Name!, language)) == "APPROVED")
            ? language
            : mapping.Language;
        return new TemplateContent(mapping.Name!, chosen, values);
    }

    /// <summary>
    /// The SMS text: the master template, the opt-in link when the decision asked for one, and the
    /// person's stop link (every SMS carries it; <see cref="OptIn.OptOutLinks.EnsureReadyAsync"/> must have run).
    /// An experiment variant's text, when given, replaces the master template's SMS text.
    /// </summary>
    public string Sms(NotificationType type, IReadOnlyDictionary<string, string> parameters, string language, string? optInLink, Guid contactId,
        string? text = null)
    {
        text = NotificationCatalog.Render(text ?? type.Sms.For(language), WithOffice(parameters));
        if (optInLink is not null && type.Name != NotificationCatalog.OptInRequest)
        {
            text += language == "en" ? $"\nGet these notices on WhatsApp: {optInLink}" : $"\nTerima info ini lewat WhatsApp: {optInLink}";
        }

        var stop = optOut.LinkFor(contactId);
        return text + (language == "en" ? $"\nStop WhatsApp messages: {stop}" : $"\nBerhenti pesan WhatsApp: {stop}");
    }

    /// <summary>The e-mail: subject and text body, with the opt-in link when asked for and always the stop link;
    /// an experiment variant's text, when given, replaces the master template's body.</summary>
    public (string Subject, string Body) Email(NotificationType type, IReadOnlyDictionary<string, string> parameters, string language,
        string? optInLink, Guid contactId, string? text = null)
    {
        var values = WithOffice(parameters);
        var subject = NotificationCatalog.Render(type.EmailSubject.For(language), values);
        var body = NotificationCatalog.Render(text ?? type.EmailBody.For(language), values);
        if (optInLink is not null && type.Name != NotificationCatalog.OptInRequest)
        {
            body += language == "en"
                ? $"\n\nWould you like to receive these notices on WhatsApp? Agree here: {optInLink}"
                : $"\n\nIngin menerima pemberitahuan ini lewat WhatsApp? Setujui di sini: {optInLink}";
        }

        var stop = optOut.LinkFor(contactId);
        body += language == "en"
            ? $"\n\nTo stop WhatsApp messages from us: {stop}\nEssential notices about your permits still come by SMS or e-mail."
            : $"\n\nUntuk berhenti menerima pesan WhatsApp dari kami: {stop}\nPemberitahuan penting tentang izin Anda tetap dikirim lewat SMS atau email.";
        body += $"\n\n-- \n{office.Value.Name}";
        return (subject, body);
    }

    /// <summary>
    /// An operator's answer by SMS: the office's name first (an SMS from an unknown sender needs
    /// one), the text as written (no placeholders are read in it), and the stop link every SMS carries.
    /// </summary>
    public string SmsAnswer(string text, string language, Guid contactId)
    {
        var stop = optOut.LinkFor(contactId);
        return $"{office.Value.Name}: {text}" + (language == "en" ? $"\nStop WhatsApp messages: {stop}" : $"\nBerhenti pesan WhatsApp: {stop}");
    }

    /// <summary>An operator's answer by e-mail, with the stop link and the office's name below it.</summary>
    public (string Subject, string Body) EmailAnswer(string text, string language, Guid contactId)
    {
        var stop = optOut.LinkFor(contactId);
        var subject = language == "en" ? $"Answer from {office.Value.Name}" : $"Jawaban dari {office.Value.Name}";
        var body = (language == "en" ? $"This answers your WhatsApp message to {office.Value.Name}.\n\n"
                : $"Ini jawaban atas pesan WhatsApp Anda kepada {office.Value.Name}.\n\n")
            + text
            + (language == "en" ? $"\n\nTo stop WhatsApp messages from us: {stop}" : $"\n\nUntuk berhenti menerima pesan WhatsApp dari kami: {stop}");
        return (subject, body + $"\n\n-- \n{office.Value.Name}");
    }

    /// <summary>A fresh opt-in link: the token for the person, and its SHA-256 for the database.</summary>
    public (string Link, string Hash) NewOptInLink()
    {
        var token = OptIn.Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        return ($"{kabar.Value.PublicBaseUrl.TrimEnd('/')}/opt-in/{token}", HashToken(token));
    }

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private Dictionary<string, string> WithOffice(IReadOnlyDictionary<string, string> parameters)
    {
        var values = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        values.TryAdd("office_name", office.Value.Name);
        return values;
    }

    /// <summary>The recipient of a WhatsApp send: the phone, else the business-scoped user id.</summary>
    public static (string? To, string? UserId) Recipient(Contact contact) =>
        contact.Phone is not null ? (contact.Phone, null) : (null, contact.BusinessScopedUserId);
}
