using System.Globalization;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Notifications;
using Microsoft.Extensions.Options;

namespace Kabar.Permits;

/// <summary>
/// The parameters of the permit notices (SPEC §5 table), in the holder's or staff member's
/// language: dates as <c>dd-MM-yyyy</c>, times in the office's zone, statuses in the office's words.
/// </summary>
public sealed class PermitNotices(IOptions<KabarOptions> kabar, IOptions<PermitOptions> permits, WorkCalendar calendar)
{
    public const string Ready = "permit_ready";
    public const string StatusUpdate = "status_update";
    public const string ExpiryWarning = "permit_expiry_warning";
    public const string RenewalApproved = "permit_renewal_approved";
    public const string DocumentPending = "document_pending";
    public const string ApprovalRequired = "approval_required";
    public const string DocumentReminder = "document_reminder";

    /// <summary>The office's words for each status (Indonesian as the office says them, English).</summary>
    public static string StatusLabel(PermitStatus status, string language) => (status, language == "en") switch
    {
        (PermitStatus.Submitted, false) => "Diajukan",
        (PermitStatus.InReview, false) => "Sedang diproses",
        (PermitStatus.NeedsDocuments, false) => "Perlu kelengkapan dokumen",
        (PermitStatus.Issued, false) => "Izin selesai (terbit)",
        (PermitStatus.Rejected, false) => "Ditolak",
        (PermitStatus.Revoked, false) => "Dicabut",
        (PermitStatus.Submitted, true) => "Submitted",
        (PermitStatus.InReview, true) => "In review",
        (PermitStatus.NeedsDocuments, true) => "Documents needed",
        (PermitStatus.Issued, true) => "Issued",
        (PermitStatus.Rejected, true) => "Rejected",
        _ => "Revoked",
    };

    public static string Date(DateOnly day) => day.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture);

    private string Base => kabar.Value.PublicBaseUrl.TrimEnd('/');

    public string DashboardLink(Guid permitId) => $"{Base}/admin/permits/{permitId}";

    private string Today(DateTime now) => Date(calendar.LocalDate(now));

    private static string PartnerName(Contact holder) =>
        string.IsNullOrWhiteSpace(holder.Name) ? (holder.Language == "en" ? "Sir/Madam" : "Bapak/Ibu") : holder.Name;

    private static string Applicant(Contact holder) => string.IsNullOrWhiteSpace(holder.Name) ? "-" : holder.Name;

    private static string Number(Permit p) => p.PermitNumber ?? p.ExternalRef;

    public Dictionary<string, string> ReadyParams(Permit p, Contact holder, DateTime now) => new()
    {
        ["partner_name"] = PartnerName(holder),
        ["permit_type"] = p.PermitType,
        ["permit_number"] = Number(p),
        ["issue_date"] = p.IssuedOn is { } d ? Date(d) : Today(now),
        ["download_link"] = p.DownloadLink ?? p.DetailLink ?? Base,
    };

    public Dictionary<string, string> RenewalParams(Permit p, Contact holder, DateTime now) => new()
    {
        ["partner_name"] = PartnerName(holder),
        ["permit_type"] = p.PermitType,
        ["permit_number"] = Number(p),
        ["start_date"] = p.IssuedOn is { } d ? Date(d) : Today(now),
        ["expiry_date"] = p.ExpiresOn is { } e ? Date(e) : "-",
        ["download_link"] = p.DownloadLink ?? p.DetailLink ?? Base,
    };

    public Dictionary<string, string> StatusParams(Permit p, Contact holder, PermitStatus old, DateTime now)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, calendar.Zone);
        return new()
        {
            ["registration_id"] = p.RegistrationId ?? p.ExternalRef,
            ["old_status"] = StatusLabel(old, holder.Language),
            ["new_status"] = StatusLabel(p.Status, holder.Language),
            ["changed_at"] = local.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + ZoneLabel(calendar.Zone),
            ["detail_link"] = p.DetailLink ?? Base,
        };
    }

    public Dictionary<string, string> ExpiryParams(Permit p, Contact holder, int remainingDays) => new()
    {
        ["partner_name"] = PartnerName(holder),
        ["permit_type"] = p.PermitType,
        ["permit_number"] = Number(p),
        ["expiry_date"] = Date(p.ExpiresOn!.Value),
        ["remaining_days"] = remainingDays.ToString(CultureInfo.InvariantCulture),
        ["renewal_link"] = p.RenewalLink ?? p.DetailLink ?? Base,
        ["office_contact"] = permits.Value.OfficeContact,
    };

    public Dictionary<string, string> PendingParams(Permit p, Contact holder, int count) => new()
    {
        ["count"] = count.ToString(CultureInfo.InvariantCulture),
        ["permit_type"] = p.PermitType,
        ["applicant_name"] = Applicant(holder),
        ["registration_id"] = p.RegistrationId ?? p.ExternalRef,
        ["dashboard_link"] = DashboardLink(p.Id),
    };

    public Dictionary<string, string> ApprovalParams(Permit p, Contact holder, Contact official) => new()
    {
        ["official_name"] = string.IsNullOrWhiteSpace(official.Name) ? "Bapak/Ibu" : official.Name,
        ["permit_type"] = p.PermitType,
        ["applicant_name"] = Applicant(holder),
        ["permit_number"] = Number(p),
        ["approval_link"] = DashboardLink(p.Id),
    };

    /// <summary>How long documents have waited, in the staff member's language (<c>2 hari</c>, <c>30 jam</c>).</summary>
    public static string PendingFor(TimeSpan waited, string language)
    {
        var en = language == "en";
        return waited >= TimeSpan.FromDays(2)
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)waited.TotalDays} {(en ? "days" : "hari")}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)waited.TotalHours} {(en ? "hours" : "jam")}");
    }

    /// <summary>Indonesia's zone names as people say them.</summary>
    public static string ZoneLabel(TimeZoneInfo zone) => zone.Id switch
    {
        "Asia/Jakarta" or "Asia/Pontianak" => "WIB",
        "Asia/Makassar" => "WITA",
        "Asia/Jayapura" => "WIT",
        _ => zone.Id,
    };

    public static NotificationType Type(string name) =>
        NotificationCatalog.Find(name) ?? throw new InvalidOperationException($"{name} is missing from the catalog.");
}
