using System.Text.Json;
using Kabar.Campaigns;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Privacy;

namespace Kabar.Operations;

/// <summary>
/// Realistic bodies for the reference page, built as the records the API binds so that each is a
/// request Kabar would accept (the reference tests post them).
/// </summary>
internal static class ApiExamples
{
    /// <summary>A sample value for every parameter name of the notification catalog.</summary>
    public static readonly IReadOnlyDictionary<string, string> ParameterSamples = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["partner_name"] = "Siti Aminah",
        ["permit_type"] = "Izin Usaha",
        ["permit_number"] = "503/0186/IU/2026",
        ["issue_date"] = "25-11-2026",
        ["download_link"] = "https://sicantik.example.go.id/izin/503-0186",
        ["registration_id"] = "REG-2026-000123",
        ["old_status"] = "Diajukan",
        ["new_status"] = "Diterima",
        ["changed_at"] = "25-11-2026 10:15",
        ["detail_link"] = "https://sicantik.example.go.id/permohonan/REG-2026-000123",
        ["expiry_date"] = "02-12-2026",
        ["remaining_days"] = "7",
        ["renewal_link"] = "https://sicantik.example.go.id/perpanjang/503-0186",
        ["office_contact"] = "0628 21234 (DPMPTSP)",
        ["start_date"] = "26-11-2026",
        ["count"] = "3",
        ["applicant_name"] = "Siti Aminah",
        ["pending_for"] = "2 hari",
        ["dashboard_link"] = "https://sicantik.example.go.id/dasbor",
        ["official_name"] = "Drs. Ahmad Rivai",
        ["approval_link"] = "https://sicantik.example.go.id/setujui/503-0186",
        ["link"] = "https://kabar.example.go.id/opt-in/…",
        ["office_name"] = "DPMPTSP Kabupaten",
    };

    /// <summary>The request body for a type: its parameters filled with <see cref="ParameterSamples"/>.</summary>
    public static NotificationRequest Notification(NotificationType type) => new(
        type.Name,
        Phone: "0812-3456-7890",
        Params: type.Name == NotificationCatalog.OptInRequest
            ? null
            : type.Parameters.ToDictionary(p => p, p => JsonSerializer.SerializeToElement(ParameterSamples.GetValueOrDefault(p, p)), StringComparer.Ordinal));

    public static readonly ContactRequest Contact = new("0812-3456-7890", "Siti Aminah", "siti@example.id", "id",
        new ConsentRequest("whatsapp", true, "registration_form", BuiltInConsentTexts.RegistrationFormVersion, Ip: "203.0.113.7",
            UserAgent: "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile"));

    public static readonly ConsentRequest Consent = new("whatsapp", false, "admin", Operator: "petugas@dpmptsp.example.go.id",
        Note: "Diminta warga lewat telepon ke kantor");

    public static readonly DecisionsApi.DecisionRequest Decision = new(Phone: "0812-3456-7890",
        Message: new DecisionsApi.DecisionMessageRequest("template", "utility"));

    public static readonly PermitRequest Permit = new("SICANTIK-2026-000123", "503/0186/IU/2026", "Izin Usaha", "issued",
        new PersonRequest("0812-3456-7890", "Siti Aminah", "siti@example.id", "id"), "2026-11-25", "2027-11-25", null, "REG-2026-000123",
        new PermitLinks("https://sicantik.example.go.id/izin/503-0186", "https://sicantik.example.go.id/perpanjang/503-0186",
            "https://sicantik.example.go.id/permohonan/REG-2026-000123"), null);

    public static readonly DecisionsApi.BulkDecisionRequest BulkDecision = new(Phones: ["0812-3456-7890", "0813-9876-5432"],
        Message: new DecisionsApi.DecisionMessageRequest("template", "utility"));

    public static readonly ContactCorrection Correction = new("Siti Aminah Lubis", "siti.aminah@example.id", "id",
        Reference: "DPMPTSP/PDP/2026/041", ReceivedAt: new DateTime(2026, 11, 24, 2, 30, 0, DateTimeKind.Utc));

    /// <summary>A campaign on the standard text (an <c>experimentId</c> must name a running experiment, so the example leaves it out).</summary>
    public static readonly CampaignRequest Campaign = new("Ajakan WhatsApp pemohon Izin Usaha 2026",
        new SegmentRequest("Izin Usaha", new DateOnly(2026, 1, 1), new DateOnly(2026, 11, 30)), "sms", 500,
        new SendingHoursRequest("09:00", "16:00"), null);

    public static readonly ExperimentRequest Experiment = new("Teks ajakan singkat vs. lengkap", 14,
    [
        new VariantRequest("standar", 1, null, null),
        new VariantRequest("singkat", 1,
            new TextRequest("{office_name}: terima kabar izin Anda lewat WhatsApp? Setujui di {link}",
                "{office_name}: get your permit news on WhatsApp? Agree at {link}"),
            null),
    ]);

    /// <summary>The example body of each request type the API reads, or null.</summary>
    public static object? ForRequest(Type type) =>
        type == typeof(NotificationRequest) ? Notification(NotificationCatalog.All[0])
        : type == typeof(ContactRequest) ? Contact
        : type == typeof(ConsentRequest) ? Consent
        : type == typeof(DecisionsApi.DecisionRequest) ? Decision
        : type == typeof(DecisionsApi.BulkDecisionRequest) ? BulkDecision
        : type == typeof(PermitRequest) ? Permit
        : type == typeof(ContactCorrection) ? Correction
        : type == typeof(CampaignRequest) ? Campaign
        : type == typeof(ExperimentRequest) ? Experiment
        : null;
}
