namespace Kabar.Citizens;

/// <summary>
/// One submission of the public registration form (<c>/daftar</c>): a permit application as the
/// citizen entered it, with whether they ticked the WhatsApp box. The contact holds the current
/// profile and consent; this row keeps what was submitted, when and from where.
/// </summary>
public sealed class Registration
{
    public Guid Id { get; set; }

    /// <summary>The number the person is given, for example <c>REG-20261125-7KQ2M9</c>.</summary>
    public string Reference { get; set; } = "";

    public Guid ContactId { get; set; }
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string PermitType { get; set; } = "";
    public string Language { get; set; } = "id";

    /// <summary>Whether the WhatsApp box was ticked; the consent itself is in the ledger.</summary>
    public bool WhatsAppConsent { get; set; }

    /// <summary>The consent text shown next to the box.</summary>
    public string ConsentTextVersion { get; set; } = "";

    public Guid? ConsentEventId { get; set; }

    /// <summary>The acknowledgement sent for it; null when the per-number limit held it back.</summary>
    public Guid? NotificationId { get; set; }

    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTime CreatedAt { get; set; }
}
