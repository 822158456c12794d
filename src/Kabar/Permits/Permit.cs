using System.Text.Json.Serialization;
using Kabar.Data;

namespace Kabar.Permits;

/// <summary>The permit system's statuses (SPEC §13 <c>POST /api/permits</c>).</summary>
public enum PermitStatus
{
    [JsonStringEnumMemberName("submitted")] Submitted,
    [JsonStringEnumMemberName("in_review")] InReview,
    [JsonStringEnumMemberName("needs_documents")] NeedsDocuments,
    [JsonStringEnumMemberName("issued")] Issued,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("revoked")] Revoked,
}

/// <summary>
/// A permit or an application for one, as the permit system reports it (SPEC §9). Matched by
/// <see cref="ExternalRef"/>; its status changes and expiry date drive the holder's notifications.
/// </summary>
public sealed class Permit : IVersioned
{
    public Guid Id { get; set; }

    /// <summary>The permit system's own reference (<c>SICANTIK-2026-000123</c>); unique.</summary>
    public string ExternalRef { get; set; } = "";

    public string? PermitNumber { get; set; }
    public string PermitType { get; set; } = "";
    public PermitStatus Status { get; set; }

    /// <summary>Counts status changes, so the natural key of each change's notice is unique even when a status comes back.</summary>
    public int StatusSeq { get; set; }

    public DateTime StatusChangedAt { get; set; }
    public Guid HolderContactId { get; set; }

    /// <summary>The citizen-facing registration number, when the application came through the registration form.</summary>
    public string? RegistrationId { get; set; }

    public DateOnly? IssuedOn { get; set; }
    public DateOnly? ExpiresOn { get; set; }

    /// <summary>The permit this one renews.</summary>
    public Guid? RenewalOfId { get; set; }

    /// <summary>Set on the old permit once its renewal is issued: it gets no more expiry reminders.</summary>
    public Guid? RenewedById { get; set; }

    /// <summary>
    /// The smallest expiry-reminder offset (days) already created for the current <see cref="ExpiresOn"/>;
    /// null when none. Lets the daily scan skip permits in one indexed query.
    /// </summary>
    public int? ExpiryRemindedDays { get; set; }

    public string? DownloadLink { get; set; }
    public string? RenewalLink { get; set; }
    public string? DetailLink { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}
