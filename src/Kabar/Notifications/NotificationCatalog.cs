using System.Text;
using Kabar.Decisions;

namespace Kabar.Notifications;

/// <summary>Why the office may send a notification type at all (SPEC §5, "Legal basis").</summary>
public enum LegalBasis
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("public_task")] PublicTask,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("consent")] Consent,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("employment")] Employment,
}

/// <summary>A text in Indonesian and English with <c>{parameter}</c> placeholders.</summary>
public sealed record LocalizedText(string Id, string En)
{
    public string For(string language) => language == "en" ? En : Id;
}

/// <summary>
/// An office notification type and its master template (SPEC §5): named parameters, the WhatsApp
/// template it maps to by default (the type's name, language <c>id</c>, positional body
/// parameters in <see cref="Parameters"/> order; its texts are in <see cref="TemplateCatalog"/>), and the SMS and e-mail texts.
/// </summary>
public sealed record NotificationType(
    string Name,
    string Recipient,
    LegalBasis Basis,
    IReadOnlyList<string> Parameters,
    LocalizedText Sms,
    LocalizedText EmailSubject,
    LocalizedText EmailBody,
    MessageCategory Category = MessageCategory.Utility)
{
    /// <summary>
    /// Essential notices always fall back and ignore quiet hours. An expiry warning is essential
    /// only when the permit expires within 7 days (SPEC §5).
    /// </summary>
    public bool IsEssential(IReadOnlyDictionary<string, string> parameters) => Name switch
    {
        "permit_ready" or "permit_renewal_approved" or "approval_required" => true,
        "permit_expiry_warning" => parameters.TryGetValue("remaining_days", out var d)
            && int.TryParse(d, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var days)
            && days <= 7,
        _ => false,
    };
}

/// <summary>The office's notification types (SPEC §5 table), in Indonesian first and English second.</summary>
public static class NotificationCatalog
{
    public const string OptInRequest = "opt_in_request";

    public static readonly IReadOnlyList<NotificationType> All =
    [
        new("permit_ready", "applicant", LegalBasis.PublicTask,
            ["partner_name", "permit_type", "permit_number", "issue_date", "download_link"],
            new("Yth. {partner_name}, {permit_type} Anda no. {permit_number} telah terbit pada {issue_date}. Unduh: {download_link}",
                "Dear {partner_name}, your {permit_type} no. {permit_number} was issued on {issue_date}. Download: {download_link}"),
            new("Izin Anda telah terbit: {permit_number}", "Your permit has been issued: {permit_number}"),
            new("Yth. {partner_name},\n\n{permit_type} Anda dengan nomor {permit_number} telah terbit pada {issue_date}.\nDokumen izin dapat diunduh di: {download_link}",
                "Dear {partner_name},\n\nYour {permit_type} with number {permit_number} was issued on {issue_date}.\nYou can download the permit at: {download_link}")),
        new("status_update", "applicant", LegalBasis.PublicTask,
            ["registration_id", "old_status", "new_status", "changed_at", "detail_link"],
            // Words, not "->": phones break a line after the hyphen and show "-" / "> Diterima".
            new("Status permohonan {registration_id} berubah dari {old_status} menjadi {new_status} ({changed_at}). Rincian: {detail_link}",
                "Application {registration_id} changed from {old_status} to {new_status} ({changed_at}). Details: {detail_link}"),
            new("Status permohonan {registration_id}: {new_status}", "Application {registration_id}: {new_status}"),
            new("Status permohonan {registration_id} berubah dari {old_status} menjadi {new_status} pada {changed_at}.\nRincian: {detail_link}",
                "The status of application {registration_id} changed from {old_status} to {new_status} on {changed_at}.\nDetails: {detail_link}")),
        new("permit_expiry_warning", "applicant", LegalBasis.PublicTask,
            ["partner_name", "permit_type", "permit_number", "expiry_date", "remaining_days", "renewal_link", "office_contact"],
            new("Yth. {partner_name}, {permit_type} no. {permit_number} berakhir {expiry_date} ({remaining_days} hari lagi). Perpanjang: {renewal_link}. Info: {office_contact}",
                "Dear {partner_name}, {permit_type} no. {permit_number} expires {expiry_date} (in {remaining_days} days). Renew: {renewal_link}. Contact: {office_contact}"),
            new("Izin {permit_number} berakhir dalam {remaining_days} hari", "Permit {permit_number} expires in {remaining_days} days"),
            new("Yth. {partner_name},\n\n{permit_type} dengan nomor {permit_number} akan berakhir pada {expiry_date} ({remaining_days} hari lagi).\nAjukan perpanjangan di: {renewal_link}\nInformasi: {office_contact}",
                "Dear {partner_name},\n\nYour {permit_type} with number {permit_number} expires on {expiry_date} (in {remaining_days} days).\nApply for renewal at: {renewal_link}\nContact: {office_contact}")),
        new("permit_renewal_approved", "applicant", LegalBasis.PublicTask,
            ["partner_name", "permit_type", "permit_number", "start_date", "expiry_date", "download_link"],
            new("Yth. {partner_name}, perpanjangan {permit_type} no. {permit_number} disetujui, berlaku {start_date} s.d. {expiry_date}. Unduh: {download_link}",
                "Dear {partner_name}, renewal of {permit_type} no. {permit_number} approved, valid {start_date} to {expiry_date}. Download: {download_link}"),
            new("Perpanjangan izin disetujui: {permit_number}", "Permit renewal approved: {permit_number}"),
            new("Yth. {partner_name},\n\nPerpanjangan {permit_type} nomor {permit_number} telah disetujui dan berlaku {start_date} sampai {expiry_date}.\nDokumen dapat diunduh di: {download_link}",
                "Dear {partner_name},\n\nThe renewal of your {permit_type} number {permit_number} is approved, valid from {start_date} to {expiry_date}.\nDownload it at: {download_link}")),
        new("document_pending", "staff", LegalBasis.Employment,
            ["count", "permit_type", "applicant_name", "registration_id", "dashboard_link"],
            new("{count} dokumen {permit_type} a.n. {applicant_name} ({registration_id}) menunggu tanda tangan: {dashboard_link}",
                "{count} {permit_type} document(s) for {applicant_name} ({registration_id}) await signature: {dashboard_link}"),
            new("{count} dokumen menunggu tanda tangan", "{count} document(s) await signature"),
            new("{count} dokumen {permit_type} atas nama {applicant_name} ({registration_id}) menunggu tanda tangan.\nBuka dasbor: {dashboard_link}",
                "{count} {permit_type} document(s) for {applicant_name} ({registration_id}) await signature.\nOpen the dashboard: {dashboard_link}")),
        new("approval_required", "official", LegalBasis.Employment,
            ["official_name", "permit_type", "applicant_name", "permit_number", "approval_link"],
            new("Yth. {official_name}, {permit_type} a.n. {applicant_name} no. {permit_number} perlu persetujuan Anda: {approval_link}",
                "Dear {official_name}, {permit_type} for {applicant_name} no. {permit_number} needs your approval: {approval_link}"),
            new("Perlu persetujuan: {permit_number}", "Approval needed: {permit_number}"),
            new("Yth. {official_name},\n\n{permit_type} atas nama {applicant_name} nomor {permit_number} memerlukan persetujuan Anda.\nSetujui di: {approval_link}",
                "Dear {official_name},\n\n{permit_type} for {applicant_name} number {permit_number} needs your approval.\nApprove at: {approval_link}")),
        new("document_reminder", "staff", LegalBasis.Employment,
            ["count", "permit_type", "applicant_name", "pending_for", "dashboard_link"],
            new("Pengingat: {count} dokumen {permit_type} a.n. {applicant_name} tertunda {pending_for}: {dashboard_link}",
                "Reminder: {count} {permit_type} document(s) for {applicant_name} pending for {pending_for}: {dashboard_link}"),
            new("Pengingat: {count} dokumen tertunda", "Reminder: {count} document(s) pending"),
            new("Pengingat: {count} dokumen {permit_type} atas nama {applicant_name} sudah tertunda {pending_for}.\nBuka dasbor: {dashboard_link}",
                "Reminder: {count} {permit_type} document(s) for {applicant_name} have been pending for {pending_for}.\nOpen the dashboard: {dashboard_link}")),
        new(OptInRequest, "anyone", LegalBasis.Consent,
            ["link", "office_name"],
            new("{office_name} ingin mengirim pemberitahuan izin Anda lewat WhatsApp. Setuju? Buka {link}",
                "{office_name} would like to send your permit notices on WhatsApp. Agree? Open {link}"),
            new("Terima pemberitahuan izin lewat WhatsApp", "Receive permit notices on WhatsApp"),
            new("{office_name} ingin mengirim pemberitahuan tentang permohonan dan izin Anda lewat WhatsApp.\nJika Anda setuju, buka tautan ini: {link}\nAnda dapat berhenti kapan saja dengan membalas STOP.",
                "{office_name} would like to send notices about your applications and permits on WhatsApp.\nIf you agree, open this link: {link}\nYou can stop at any time by replying STOP.")),
    ];

    private static readonly Dictionary<string, NotificationType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static NotificationType? Find(string? name) => name is not null && ByName.TryGetValue(name, out var t) ? t : null;

    public static string Names => string.Join(", ", All.Select(t => t.Name));

    /// <summary>Fills <c>{name}</c> placeholders; unknown placeholders are left as they are.</summary>
    public static string Render(string text, IReadOnlyDictionary<string, string> parameters)
    {
        var sb = new StringBuilder(text.Length + 64);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }

            var close = text.IndexOf('}', open + 1);
            if (close < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }

            sb.Append(text, i, open - i);
            var key = text[(open + 1)..close];
            if (parameters.TryGetValue(key, out var value))
            {
                sb.Append(value);
            }
            else
            {
                sb.Append(text, open, close - open + 1);
            }

            i = close + 1;
        }

        return sb.ToString();
    }
}
