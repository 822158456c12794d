namespace Kabar.WhatsApp;

/// <summary>One inbound message, flattened from Meta's webhook shape.</summary>
internal sealed record InboundItem
{
    public required string Wamid { get; init; }
    public string? WaId { get; init; }
    public string? UserId { get; init; }
    public string? ProfileName { get; init; }
    public required string Type { get; init; }
    public DateTime SentAt { get; init; }
    public string? PhoneNumberId { get; init; }

    /// <summary>Text body, caption, or button/list title.</summary>
    public string? Text { get; init; }

    /// <summary>Button payload or interactive reply id.</summary>
    public string? Payload { get; init; }

    public string? ContextWamid { get; init; }

    /// <summary>For <c>system</c> messages: <c>user_changed_number</c>, <c>user_changed_user_id</c>…</summary>
    public string? SystemType { get; init; }

    public string? SystemNewWaId { get; init; }
    public string? SystemNewUserId { get; init; }
}

public sealed record StatusItem
{
    public required string Wamid { get; init; }
    public required string Status { get; init; }
    public DateTime OccurredAt { get; init; }
    public string? RecipientId { get; init; }
    public string? RecipientUserId { get; init; }
    public string? BizOpaqueCallbackData { get; init; }
    public int? ErrorCode { get; init; }
    public string? ErrorTitle { get; init; }
    public string? PricingCategory { get; init; }
    public string? PricingType { get; init; }
    public bool? Billable { get; init; }
}

internal sealed record UserPreferenceItem
{
    public string? WaId { get; init; }
    public string? UserId { get; init; }
    public required string Category { get; init; }
    public required string Value { get; init; }
    public DateTime At { get; init; }
}

internal sealed record TemplateStatusItem
{
    public string? TemplateId { get; init; }
    public string? Name { get; init; }
    public string? Language { get; init; }
    public required string Event { get; init; }
    public string? Reason { get; init; }
    public string? Category { get; init; }
}

/// <summary>
/// A part of a post that could not be read and was skipped: the item (<c>entry[0].changes[1].value.messages[2]</c>),
/// the field, and why (<c>invalid UTF-8</c>, <c>unpaired surrogate escape</c>, <c>missing or empty</c>…).
/// </summary>
public sealed record SkippedPart(string Item, string Field, string Reason)
{
    public override string ToString() => Field.Length == 0 ? $"{Item}: {Reason}" : $"{Item}.{Field}: {Reason}";
}

/// <summary>Everything one webhook POST carried, plus what could not be read.</summary>
public sealed class WebhookBatch
{
    internal List<InboundItem> Messages { get; } = [];
    public List<StatusItem> Statuses { get; } = [];
    internal List<UserPreferenceItem> UserPreferences { get; } = [];
    internal List<TemplateStatusItem> TemplateStatuses { get; } = [];

    /// <summary>Error codes Meta reported outside any message (<c>value.errors[]</c>).</summary>
    public List<int> AccountErrors { get; } = [];

    /// <summary>Items skipped because a field that identifies them was missing, malformed or unreadable.</summary>
    public List<SkippedPart> Skipped { get; } = [];

    /// <summary>How many items were skipped (<see cref="Skipped"/>).</summary>
    public int Malformed => Skipped.Count;

    /// <summary>Free-text fields whose invalid bytes, unpaired surrogates or NULs were replaced by U+FFFD; their items were kept.</summary>
    public int Repaired { get; set; }

    /// <summary>Changes with a <c>field</c> Kabar does not handle; ignored, as Meta asks.</summary>
    public int IgnoredChanges { get; set; }
}
