using System.Globalization;
using Kabar.Channels;
using Kabar.Citizens;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Simulator;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Sandbox;

/// <summary>
/// <c>/sandbox/{phone}</c>: one person's phone as they would see it (SPEC §7) — the WhatsApp chat
/// with the office, their SMS and their e-mail — and a reply box whose messages reach Kabar as
/// signed inbound webhooks, exactly as Meta would deliver them. <c>?handler=Messages</c> is the
/// same message area alone, for <c>sandbox.js</c> to refresh.
/// </summary>
[SandboxOnly]
public sealed partial class PhoneModel(
    CloudApiSimulator simulator,
    SmsSimulator sms,
    EmailOutbox outbox,
    KabarDbContext db,
    PhoneNormalizer phones,
    TimeProvider time,
    IOptions<SmsOptions> smsOptions,
    IOptions<EmailOptions> emailOptions,
    IOptions<PolicyOptions> policy,
    ILogger<PhoneModel> logger) : CitizenPageModel
{
    // What a phone screen can usefully show, and what keeps the page under 100 KB even when every
    // part is full (a template bubble is about 700 bytes, an e-mail about 1.5 KB).
    private const int ChatShown = 60;
    private const int SmsShown = 30;
    private const int EmailsShown = 10;

    // WhatsApp refuses longer text bodies.
    public const int MaxReplyLength = 4096;

    /// <summary>The sandbox address of a number: its E.164 digits without '+'.</summary>
    public static string PathFor(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return "/sandbox/" + e164.TrimStart('+');
    }

    /// <summary>E.164, for example <c>+6281234567890</c>.</summary>
    public string E164 { get; private set; } = "";

    public string Digits => E164.TrimStart('+');

    public string? ContactName { get; private set; }

    public string? Email { get; private set; }

    public bool SmsSimulated => string.Equals(smsOptions.Value.Provider, "Simulator", StringComparison.OrdinalIgnoreCase);

    public bool EmailInOutbox => !emailOptions.Value.UseSmtp;

    public IReadOnlyList<ChatItem> Chat { get; private set; } = [];

    public int ChatTotal { get; private set; }

    public IReadOnlyList<SimulatedSms> Sms { get; private set; } = [];

    public int SmsTotal { get; private set; }

    public IReadOnlyList<EmailItem> Emails { get; private set; } = [];

    public int EmailsTotal { get; private set; }

    [BindProperty]
    public string? Text { get; set; }

    public string? TextError { get; private set; }

    public async Task<IActionResult> OnGetAsync(string phone, CancellationToken ct) =>
        await LoadAsync(phone, ct) ?? Page();

    /// <summary>The message area alone (WhatsApp, SMS, e-mail), refreshed by <c>sandbox.js</c>.</summary>
    public async Task<IActionResult> OnGetMessagesAsync(string phone, CancellationToken ct) =>
        await LoadAsync(phone, ct) ?? Partial("_Inbox", this);

    /// <summary>The person writes (a typed reply or a quick-reply button): the simulator posts it to Kabar as Meta would.</summary>
    public async Task<IActionResult> OnPostReplyAsync(string phone, CancellationToken ct)
    {
        if (await LoadAsync(phone, ct) is { } early)
        {
            return early;
        }

        var text = Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            TextError = L("Tulis pesan dulu.", "Write a message first.");
        }
        else if (text.Length > MaxReplyLength)
        {
            TextError = L($"Pesan terlalu panjang: paling banyak {MaxReplyLength} huruf.", $"The message is too long: at most {MaxReplyLength} characters.");
        }

        if (TextError is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var id = simulator.Inbound(new InboundRequest(E164, text, ContactName));
        LogReply(logger, Pii.MaskPhone(E164), text.Length, id);

        // Post/redirect/get: a reload does not send the message twice. The anchor brings the
        // reply box back into view with the newest messages above it.
        return Redirect(PathFor(E164) + "#reply");
    }

    /// <summary>Reads the number and everything it received; a result when the page must not render.</summary>
    private async Task<IActionResult?> LoadAsync(string phone, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(phone) || phone.Length > 15 || !phone.All(char.IsAsciiDigit))
        {
            return NotFound();
        }

        var normalized = phones.Normalize("+" + phone);
        if (normalized is null)
        {
            return NotFound();
        }

        if (normalized != "+" + phone)
        {
            return RedirectPermanent(PathFor(normalized));
        }

        E164 = normalized;
        var contact = await db.Contacts.AsNoTracking()
            .Where(c => c.Phone == E164)
            .Select(c => new { c.Name, c.Email })
            .FirstOrDefaultAsync(ct);
        ContactName = contact?.Name;
        Email = contact?.Email;

        var chat = BuildChat();
        ChatTotal = chat.Count;
        Chat = chat.Skip(Math.Max(0, chat.Count - ChatShown)).ToList();

        if (SmsSimulated)
        {
            var received = sms.Received(E164);
            SmsTotal = received.Count;
            Sms = received.Skip(Math.Max(0, received.Count - SmsShown)).ToList();
        }

        if (EmailInOutbox && Email is not null)
        {
            var entries = outbox.List(Email);
            EmailsTotal = entries.Count;
            Emails = entries.Take(EmailsShown).Select(ReadEmail).ToList();
        }

        return null;
    }

    private List<ChatItem> BuildChat()
    {
        var now = time.GetUtcNow();
        var templates = simulator.Templates;
        var items = new List<ChatItem>();
        foreach (var message in simulator.Messages(E164))
        {
            string text;
            if (message.Type == "template")
            {
                var template = templates.FirstOrDefault(t => t.Name == message.TemplateName && t.Language == message.TemplateLanguage);
                text = template is null
                    ? $"[{message.TemplateName}] {string.Join(" · ", message.Parameters)}"
                    : SandboxText.RenderTemplate(template.BodyText, message.Parameters);
            }
            else
            {
                text = message.Text ?? "";
            }

            items.Add(new ChatItem(FromBusiness: true, message.ReceivedAt, text, message.TemplateName, Tick(message, now), message.Id));
        }

        items.AddRange(simulator.Sent(E164).Select(m => new ChatItem(FromBusiness: false, m.At, m.Text, null, null, m.Id)));
        return [.. items.OrderBy(i => i.At).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The furthest a message got by now, from the statuses the simulator reported (lost webhooks
    /// included: the phone got the message even when Kabar never heard so).
    /// </summary>
    private static ChatTick Tick(SimMessage message, DateTimeOffset now)
    {
        var statuses = message.Statuses.Where(s => !s.Duplicate && s.At <= now).ToList();
        if (statuses.FirstOrDefault(s => s.Status == "failed") is { } failed)
        {
            return new ChatTick("failed", failed.ErrorCode);
        }

        foreach (var status in new[] { "read", "delivered", "sent" })
        {
            if (statuses.Any(s => s.Status == status))
            {
                return new ChatTick(status, null);
            }
        }

        return new ChatTick("pending", null);
    }

    private EmailItem ReadEmail(OutboxEntry entry)
    {
        try
        {
            var message = EmailOutbox.Load(entry.Path);
            return new EmailItem(entry.Reference, entry.Subject, entry.At, message.TextBody ?? "");
        }
        catch (IOException)
        {
            // Being written or removed right now: shown by the next refresh.
            return new EmailItem(entry.Reference, entry.Subject, entry.At, "");
        }
    }

    /// <summary>A time as the person's phone shows it: the office's time zone (WIB by default).</summary>
    public string LocalTime(DateTimeOffset at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + RegistrationService.ZoneAbbreviation(policy.Value.TimeZone);
    }

    public string LocalTime(DateTime utc) => LocalTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    /// <summary>The words next to a message's ticks.</summary>
    public string TickLabel(ChatTick tick) => tick.Status switch
    {
        "read" => L("Dibaca", "Read"),
        "delivered" => L("Diterima", "Delivered"),
        "sent" => L("Terkirim", "Sent"),
        "failed" => L("Gagal", "Failed") + (tick.ErrorCode is { } code ? $" ({code.ToString(CultureInfo.InvariantCulture)})" : ""),
        _ => L("Menunggu", "Pending"),
    };

    /// <summary>Changes whenever a part would render differently; <c>sandbox.js</c> swaps only changed parts.</summary>
    public string ChatSignature => string.Create(CultureInfo.InvariantCulture,
        $"{ChatTotal}-{string.Concat(Chat.Select(c => c.Tick?.Status[0] ?? '-'))}");

    public string SmsSignature => SmsTotal.ToString(CultureInfo.InvariantCulture);

    public string EmailSignature => string.Create(CultureInfo.InvariantCulture, $"{EmailsTotal}-{(Emails.Count > 0 ? Emails[0].Reference : "")}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox phone {Phone} wrote to the office ({Length} characters), inbound {MessageId}")]
    private static partial void LogReply(ILogger logger, string phone, int length, string messageId);

    public sealed record ChatItem(bool FromBusiness, DateTimeOffset At, string Text, string? TemplateName, ChatTick? Tick, string Id);

    /// <summary><c>pending</c>, <c>sent</c>, <c>delivered</c>, <c>read</c> or <c>failed</c> (with Meta's error code).</summary>
    public sealed record ChatTick(string Status, int? ErrorCode);

    public sealed record EmailItem(string Reference, string Subject, DateTime At, string Body);
}
