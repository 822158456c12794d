using Kabar.Consent;

namespace Kabar.Contacts;

/// <summary>
/// A person Kabar may message (SPEC §2). Keyed by an internal id; phone, <c>wa_id</c> and the
/// business-scoped user id are separate attributes because WhatsApp may report any one of them.
/// </summary>
public sealed class Contact
{
    public Guid Id { get; set; }

    /// <summary>E.164, for example <c>+6281234567890</c>; null for a username-only WhatsApp user.</summary>
    public string? Phone { get; set; }

    /// <summary>WhatsApp's id for the person (digits, no '+'); may differ from <see cref="Phone"/>.</summary>
    public string? WaId { get; set; }

    /// <summary>Meta's business-scoped user id (<c>ID.1234…</c>), sent instead of a phone for username users.</summary>
    public string? BusinessScopedUserId { get; set; }

    public string? Name { get; set; }
    public string? Email { get; set; }

    /// <summary><c>id</c> (default) or <c>en</c>.</summary>
    public string Language { get; set; } = "id";

    /// <summary>The newest inbound message's own timestamp; only ever moves forward.</summary>
    public DateTime? LastInboundAt { get; set; }

    /// <summary>When WhatsApp last reported the number undeliverable (error 131026).</summary>
    public DateTime? UndeliverableAt { get; set; }

    /// <summary>When an opt-in request last went out, for the cooldown of decision rule 8.</summary>
    public DateTime? LastOptInRequestAt { get; set; }

    // Derived from the ledger and written in the same transaction as each event, so decisions
    // and dashboards need not replay the ledger. The ledger stays the source of truth.
    public ConsentState WhatsAppConsent { get; set; }
    public ConsentState MarketingConsent { get; set; }

    /// <summary>When the latest <c>whatsapp</c> event happened; a late, older keyword does not override it.</summary>
    public DateTime? WhatsAppConsentAt { get; set; }

    public DateTime? MarketingConsentAt { get; set; }
    public int LedgerSeq { get; set; }
    public string? LedgerHead { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Set when the person's data was erased (SPEC §11): the row stays as a tombstone so history and aggregates hold.</summary>
    public DateTime? ErasedAt { get; set; }

    /// <summary>
    /// HMAC-SHA256 of the erased phone (E.164) under Kabar's erasure key, so the same number coming
    /// back is recognised and the person's withdrawal honoured (see <c>Privacy.ErasureRegistry</c>).
    /// </summary>
    public string? ErasedPhoneHash { get; set; }

    public ConsentState ConsentFor(ConsentScope scope) =>
        scope == ConsentScope.WhatsApp ? WhatsAppConsent : MarketingConsent;

    public DateTime? ConsentChangedAt(ConsentScope scope) =>
        scope == ConsentScope.WhatsApp ? WhatsAppConsentAt : MarketingConsentAt;
}
