using System.Text.Json.Serialization;

namespace Kabar.Consent;

/// <summary>What a consent event did: <c>granted</c> or <c>withdrawn</c>.</summary>
public enum ConsentAction
{
    [JsonStringEnumMemberName("granted")] Granted,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}

/// <summary>Where a consent event came from (SPEC §3).</summary>
public enum ConsentSource
{
    [JsonStringEnumMemberName("registration_form")] RegistrationForm,
    [JsonStringEnumMemberName("api")] Api,
    [JsonStringEnumMemberName("opt_in_link")] OptInLink,
    [JsonStringEnumMemberName("inbound_keyword")] InboundKeyword,
    [JsonStringEnumMemberName("inbound_message")] InboundMessage,
    [JsonStringEnumMemberName("user_preferences_webhook")] UserPreferencesWebhook,
    [JsonStringEnumMemberName("import")] Import,
    [JsonStringEnumMemberName("admin")] Admin,

    /// <summary>WhatsApp refused a send because the person stopped marketing (error 131050).</summary>
    [JsonStringEnumMemberName("whatsapp_error")] WhatsAppError,

    /// <summary>The person used the personal stop link carried by every SMS and e-mail.</summary>
    [JsonStringEnumMemberName("opt_out_link")] OptOutLink,
}

/// <summary>
/// One entry of the append-only consent ledger. Never updated or deleted (erasure only blanks
/// the raw web evidence, whose salted digest stays in the chain). <see cref="Hash"/> covers every
/// field that matters plus <see cref="PrevHash"/>, the hash of the contact's previous event, so an
/// edit anywhere in a contact's history breaks the chain (see <see cref="ConsentChain"/>).
/// </summary>
public sealed class ConsentEvent
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>1, 2, 3… per contact; unique with the contact so two writers cannot fork a chain.</summary>
    public int Seq { get; set; }

    public ConsentScope Scope { get; set; }
    public ConsentAction Action { get; set; }
    public ConsentSource Source { get; set; }

    /// <summary>When the person acted (the message's own timestamp for inbound sources), UTC, whole milliseconds.</summary>
    public DateTime OccurredAt { get; set; }

    /// <summary>When Kabar wrote the event, UTC, whole milliseconds.</summary>
    public DateTime RecordedAt { get; set; }

    public string? TextVersion { get; set; }
    public string? TextHash { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>Random salt of <see cref="EvidenceDigest"/>; removed with the raw evidence on erasure.</summary>
    public string? EvidenceSalt { get; set; }

    /// <summary>SHA-256 of salt, IP and user agent: what the chain commits to for web evidence.</summary>
    public string? EvidenceDigest { get; set; }

    public string? WhatsAppMessageId { get; set; }
    public string? TokenId { get; set; }
    public string? Operator { get; set; }
    public string? Note { get; set; }
    public string? PrevHash { get; set; }
    public string Hash { get; set; } = "";
}
