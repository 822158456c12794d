using System.Collections.Frozen;
using Kabar.Campaigns;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Permits;
using Kabar.Privacy;

namespace Kabar.Admin;

/// <summary>
/// The words the console shows for every code Kabar stores (docs/console.md, "Words, not codes"):
/// notification and attempt states, decision reasons, consent states, actions, scopes and sources,
/// channels, legal bases, fallback and skip reasons, what a person's message did, export, campaign
/// and experiment states, Meta's template statuses and ratings, roles. Each code has its Indonesian
/// and English word; the code itself stays the contract (API, database, CSV) and the console shows it
/// only beside the word, for auditors. A code missing here is shown as a readable phrase rather than
/// an error, and a test keeps every enum's codes in the table.
/// </summary>
public static class ConsoleLabels
{
    /// <summary>Kinds of string codes that are not enums; enum codes use the enum's type name as their kind.</summary>
    public const string NotificationType = "notification_type";
    public const string FallbackReason = "fallback_reason";
    public const string SkipReason = "skip_reason";
    public const string InboundEffect = "inbound_effect";
    public const string InboundType = "inbound_type";
    public const string ExportState = "export_state";
    public const string ExportKind = "export_kind";
    public const string TemplateStatus = "template_status";
    public const string TemplateCategory = "template_category";
    public const string Quality = "quality";
    public const string Role = "role";
    public const string SyncOutcome = "sync_outcome";

    private static readonly FrozenDictionary<(string Kind, string Code), (string Id, string En)> Table = Build();

    /// <summary>Every (kind, code) the table knows, for tests and docs.</summary>
    public static IEnumerable<(string Kind, string Code)> Codes => Table.Keys;

    public static bool Knows(string kind, string code) => Table.ContainsKey((kind, code));

    /// <summary>The word for an enum value in the reader's language.</summary>
    public static string Word<T>(T value, bool english) where T : struct, Enum => Word(typeof(T).Name, EnumText<T>.Name(value), english);

    /// <summary>The word for a stored code of a kind; an unknown code becomes a readable phrase ("a_b" → "a b").</summary>
    public static string Word(string kind, string? code, bool english)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "–";
        }

        if (Table.TryGetValue((kind, code), out var label))
        {
            return english ? label.En : label.Id;
        }

        // A fallback reason may be a decision reason (the route gave WhatsApp up for it).
        if (kind == FallbackReason && Table.TryGetValue((nameof(DecisionReason), code), out var reason))
        {
            return english ? reason.En : reason.Id;
        }

        return code.Replace('_', ' ').ToLowerInvariant();
    }

    private static FrozenDictionary<(string, string), (string, string)> Build()
    {
        var t = new Dictionary<(string, string), (string, string)>();
        void Add(string kind, string code, string id, string en) => t.Add((kind, code), (id, en));
        Notices(t);
        People(t);
        Strings(Add);
        return t.ToFrozenDictionary();
    }

    private static void Of<T>(Dictionary<(string, string), (string, string)> t, T value, string id, string en) where T : struct, Enum =>
        t.Add((typeof(T).Name, EnumText<T>.Name(value)), (id, en));

    private static void Notices(Dictionary<(string, string), (string, string)> t)
    {
        Of(t, NotificationState.Queued, "menunggu giliran", "queued");
        Of(t, NotificationState.Scheduled, "terjadwal", "scheduled");
        Of(t, NotificationState.Sending, "sedang dikirim", "sending");
        Of(t, NotificationState.Sent, "terkirim", "sent");
        Of(t, NotificationState.Delivered, "sampai", "delivered");
        Of(t, NotificationState.Read, "dibaca", "read");
        Of(t, NotificationState.Failed, "gagal", "failed");
        Of(t, NotificationState.Skipped, "tidak dikirim", "not sent");
        Of(t, NotificationState.Cancelled, "dibatalkan", "cancelled");

        Of(t, AttemptStatus.Pending, "menunggu jawaban penyedia", "waiting for the provider");
        Of(t, AttemptStatus.Accepted, "diterima penyedia", "accepted by the provider");
        Of(t, AttemptStatus.Sent, "terkirim", "sent");
        Of(t, AttemptStatus.Delivered, "sampai", "delivered");
        Of(t, AttemptStatus.Read, "dibaca", "read");
        Of(t, AttemptStatus.Failed, "gagal", "failed");
        Of(t, AttemptStatus.Unknown, "hasil tidak diketahui", "outcome unknown");

        Of(t, DecisionReason.NoWhatsAppIdentity, "tanpa nomor WhatsApp", "no WhatsApp number");
        Of(t, DecisionReason.OptedOut, "berhenti WhatsApp", "stopped WhatsApp");
        Of(t, DecisionReason.MarketingOptedOut, "berhenti pesan promosi", "stopped marketing messages");
        Of(t, DecisionReason.NotOnWhatsApp, "tidak memakai WhatsApp", "not on WhatsApp");
        Of(t, DecisionReason.WindowClosed, "jendela 24 jam tertutup", "24-hour window closed");
        Of(t, DecisionReason.OptedIn, "setuju WhatsApp", "agreed to WhatsApp");
        Of(t, DecisionReason.ServiceWindow, "dalam jendela 24 jam", "within the 24-hour window");
        Of(t, DecisionReason.NoConsent, "belum setuju WhatsApp", "no WhatsApp consent yet");

        Of(t, Channel.WhatsApp, "WhatsApp", "WhatsApp");
        Of(t, Channel.Sms, "SMS", "SMS");
        Of(t, Channel.Email, "email", "e-mail");
        Of(t, Channel.None, "tidak ada", "none");
        Of(t, LegalBasis.PublicTask, "tugas pelayanan publik", "public task");
        Of(t, LegalBasis.Consent, "persetujuan", "consent");
        Of(t, LegalBasis.Employment, "kepegawaian", "employment");
        Of(t, MessageCategory.Utility, "utilitas", "utility");
        Of(t, MessageCategory.Marketing, "pemasaran", "marketing");
        Of(t, MessageCategory.Authentication, "autentikasi", "authentication");
        Of(t, MessageKind.Template, "templat", "template");
        Of(t, MessageKind.Text, "teks bebas", "free text");
        Of(t, DeliveryOutcome.Reached, "sampai", "reached");
        Of(t, DeliveryOutcome.SentNoReport, "terkirim, tanpa laporan", "sent, no report");
        Of(t, DeliveryOutcome.Failed, "gagal", "failed");
        Of(t, DeliveryOutcome.Skipped, "tidak dikirim", "not sent");
    }

    private static void People(Dictionary<(string, string), (string, string)> t)
    {

        Of(t, ConsentState.Unknown, "belum memilih", "not chosen yet");
        Of(t, ConsentState.Granted, "setuju", "agreed");
        Of(t, ConsentState.Withdrawn, "berhenti", "stopped");
        Of(t, ConsentAction.Granted, "memberi persetujuan", "gave consent");
        Of(t, ConsentAction.Withdrawn, "menarik persetujuan", "withdrew consent");
        Of(t, ConsentScope.WhatsApp, "WhatsApp", "WhatsApp");
        Of(t, ConsentScope.WhatsAppMarketing, "promosi di WhatsApp", "WhatsApp marketing");
        Of(t, ConsentSource.RegistrationForm, "formulir pendaftaran", "registration form");
        Of(t, ConsentSource.Api, "sistem perizinan (API)", "permit system (API)");
        Of(t, ConsentSource.OptInLink, "tautan persetujuan", "opt-in link");
        Of(t, ConsentSource.InboundKeyword, "kata kunci di WhatsApp", "keyword on WhatsApp");
        Of(t, ConsentSource.InboundMessage, "pesan warga di WhatsApp", "the person's WhatsApp message");
        Of(t, ConsentSource.UserPreferencesWebhook, "pengaturan WhatsApp warga", "the person's WhatsApp settings");
        Of(t, ConsentSource.Import, "impor kontak", "contact import");
        Of(t, ConsentSource.Admin, "petugas di konsol", "staff in the console");
        Of(t, ConsentSource.WhatsAppError, "penolakan dari WhatsApp", "refusal from WhatsApp");
        Of(t, ConsentSource.OptOutLink, "tautan berhenti", "stop link");

        Of(t, CampaignState.Draft, "draf", "draft");
        Of(t, CampaignState.Running, "berjalan", "running");
        Of(t, CampaignState.Paused, "dijeda", "paused");
        Of(t, CampaignState.Completed, "selesai", "completed");
        Of(t, CampaignChannels.Sms, "SMS", "SMS");
        Of(t, CampaignChannels.Email, "email", "e-mail");
        Of(t, CampaignChannels.Both, "SMS, atau email bila tanpa HP", "SMS, or e-mail without a phone");
        Of(t, ExperimentState.Running, "berjalan", "running");
        Of(t, ExperimentState.Stopped, "dihentikan", "stopped");
        Of(t, AskOutcome.Asked, "diminta", "asked");
        Of(t, AskOutcome.Skipped, "dilewati", "skipped");

        Of(t, PermitStatus.Submitted, "diajukan", "submitted");
        Of(t, PermitStatus.InReview, "sedang ditinjau", "in review");
        Of(t, PermitStatus.NeedsDocuments, "perlu dokumen", "needs documents");
        Of(t, PermitStatus.Issued, "terbit", "issued");
        Of(t, PermitStatus.Rejected, "ditolak", "rejected");
        Of(t, PermitStatus.Revoked, "dicabut", "revoked");
        Of(t, AssigneeRole.Staff, "petugas", "staff");
        Of(t, AssigneeRole.Official, "pejabat", "official");
        Of(t, DataSubjectRequestKind.Access, "akses", "access");
        Of(t, DataSubjectRequestKind.Rectification, "pembetulan", "rectification");
        Of(t, DataSubjectRequestKind.Erasure, "penghapusan", "erasure");
        Of(t, DataSubjectRequestOutcome.Fulfilled, "dipenuhi", "fulfilled");
        Of(t, DataSubjectRequestOutcome.NoChange, "tanpa perubahan", "no change");
        Of(t, DataSubjectRequestOutcome.Refused, "ditolak", "refused");
    }

    private static void Strings(Action<string, string, string, string> add)
    {
        add(NotificationType, "permit_ready", "izin terbit", "permit issued");
        add(NotificationType, "status_update", "status permohonan berubah", "application status changed");
        add(NotificationType, "permit_expiry_warning", "izin segera berakhir", "permit expires soon");
        add(NotificationType, "permit_renewal_approved", "perpanjangan izin disetujui", "permit renewal approved");
        add(NotificationType, "document_pending", "dokumen menunggu tanda tangan", "documents await signature");
        add(NotificationType, "approval_required", "perlu persetujuan pejabat", "an official's approval needed");
        add(NotificationType, "document_reminder", "pengingat dokumen tertunda", "pending documents reminder");
        add(NotificationType, "opt_in_request", "ajakan setuju WhatsApp", "WhatsApp opt-in request");
        add(NotificationType, SystemNotificationTypes.OptOutConfirmation, "konfirmasi berhenti", "stop confirmation");
        add(NotificationType, SystemNotificationTypes.MarketingOptOutConfirmation, "konfirmasi berhenti promosi", "marketing stop confirmation");
        add(NotificationType, SystemNotificationTypes.OptInConfirmation, "konfirmasi setuju", "opt-in confirmation");
        add(NotificationType, SystemNotificationTypes.InboxReply, "jawaban dari kotak masuk", "inbox reply");
        add(NotificationType, SystemNotificationTypes.InboxReplyOutsideWindow, "jawaban dari kotak masuk lewat SMS/email", "inbox reply by SMS/e-mail");

        add(FallbackReason, "whatsapp_no_answer", "WhatsApp belum sampai tepat waktu", "WhatsApp not delivered in time");
        add(FallbackReason, "messaging_limit", "batas pesan WhatsApp tercapai", "WhatsApp messaging limit reached");
        add(FallbackReason, "whatsapp_outage", "WhatsApp sedang gangguan", "WhatsApp outage");
        add(FallbackReason, "marketing_held", "promosi ditahan Meta", "marketing held back by Meta");
        add(FallbackReason, "sms_failed", "SMS gagal", "SMS failed");

        add(SkipReason, "no_address", "tanpa nomor HP atau email", "no phone or e-mail");
        add(SkipReason, "asked_recently_or_chose", "baru saja diminta atau sudah memilih", "asked recently or already chose");
        add(SkipReason, "chose_before_sending", "sudah memilih sebelum dikirim", "chose before the send");

        add(InboundEffect, "opt_out", "berhenti WhatsApp", "stopped WhatsApp");
        add(InboundEffect, "marketing_opt_out", "berhenti promosi", "stopped marketing");
        add(InboundEffect, "opt_in", "setuju WhatsApp", "agreed to WhatsApp");
        add(InboundEffect, "auto_opt_in", "setuju WhatsApp karena menulis", "agreed to WhatsApp by writing");
        add(InboundEffect, "superseded", "sudah didahului perubahan lebih baru", "overtaken by a newer change");
        add(InboundEffect, "number_changed", "nomor WhatsApp berganti", "WhatsApp number changed");
        add(InboundEffect, "user_id_changed", "ID pengguna WhatsApp berganti", "WhatsApp user id changed");
        foreach (var (code, id, en) in new[]
        {
            ("text", "teks", "text"), ("button", "tombol", "button"), ("interactive", "pilihan", "choice"), ("image", "gambar", "image"),
            ("video", "video", "video"), ("audio", "suara", "audio"), ("document", "dokumen", "document"), ("sticker", "stiker", "sticker"),
            ("location", "lokasi", "location"), ("contacts", "kontak", "contacts"), ("reaction", "reaksi", "reaction"),
            ("system", "pemberitahuan sistem", "system notice"), ("unsupported", "tidak didukung", "unsupported"), ("order", "pesanan", "order"),
        })
        {
            add(InboundType, code, id, en);
        }

        add(ExportState, "running", "sedang berjalan", "running");
        add(ExportState, "completed", "selesai", "completed");
        add(ExportState, "aborted", "terhenti", "aborted");
        add(ExportKind, "registered", "kontak terdaftar", "registered contacts");
        add(ExportKind, "consented", "kontak yang setuju WhatsApp", "contacts who agreed to WhatsApp");
        add(SyncOutcome, "succeeded", "berhasil", "succeeded");
        add(SyncOutcome, "failed", "gagal", "failed");

        foreach (var (code, id, en) in new[]
        {
            ("APPROVED", "disetujui", "approved"), ("PENDING", "menunggu tinjauan Meta", "pending Meta's review"), ("REJECTED", "ditolak", "rejected"),
            ("PAUSED", "dijeda", "paused"), ("DISABLED", "dinonaktifkan", "disabled"), ("IN_APPEAL", "dalam banding", "in appeal"),
            ("PENDING_DELETION", "akan dihapus", "pending deletion"), ("DELETED", "dihapus", "deleted"), ("FLAGGED", "ditandai", "flagged"),
            ("LIMIT_EXCEEDED", "melebihi batas", "limit exceeded"), ("REINSTATED", "dipulihkan", "reinstated"),
            ("CATEGORY_UPDATE", "kategori diubah", "category changed"), ("QUALITY_UPDATE", "kualitas dinilai", "quality rated"),
        })
        {
            add(TemplateStatus, code, id, en);
        }

        add(TemplateCategory, "UTILITY", "utilitas", "utility");
        add(TemplateCategory, "MARKETING", "pemasaran", "marketing");
        add(TemplateCategory, "AUTHENTICATION", "autentikasi", "authentication");
        add(Quality, "GREEN", "tinggi", "high");
        add(Quality, "YELLOW", "sedang", "medium");
        add(Quality, "RED", "rendah", "low");
        add(Quality, "UNKNOWN", "belum dinilai", "not rated");
        add(Role, OperatorRoles.Admin, "admin", "admin");
        add(Role, OperatorRoles.Operator, "petugas", "operator");
        add(Role, OperatorRoles.Viewer, "pembaca", "viewer");
    }
}
