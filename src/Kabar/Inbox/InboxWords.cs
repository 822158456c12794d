using System.Globalization;
using Kabar.Consent;
using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Inbox;

/// <summary>
/// The inbox's words for what it shows (consent, the window, a reply's progress, why a reply cannot
/// go), in Indonesian or English, so the page shows no raw code. Times are the office's.
/// </summary>
public static class InboxWords
{
    private static string L(bool english, string indonesian, string en) => english ? en : indonesian;

    public static string Consent(ConsentState state, bool english) => state switch
    {
        ConsentState.Granted => L(english, "setuju menerima WhatsApp", "agreed to WhatsApp"),
        ConsentState.Withdrawn => L(english, "berhenti menerima WhatsApp", "stopped WhatsApp"),
        _ => L(english, "belum memilih", "has not chosen"),
    };

    /// <summary><c>25-11-2026 10:05 WIB</c>: day first as the office writes it, in the office's zone.</summary>
    public static string Time(DateTime utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return local.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + ZoneName(zone);
    }

    /// <summary>Indonesia's own names for its three zones; any other zone by its id.</summary>
    public static string ZoneName(TimeZoneInfo zone) => zone?.Id switch
    {
        "Asia/Jakarta" or "Asia/Pontianak" => "WIB",
        "Asia/Makassar" => "WITA",
        "Asia/Jayapura" => "WIT",
        var id => id ?? "",
    };

    /// <summary>The window in words: how long it stays open and until when, or since when it is closed.</summary>
    public static string Window(DateTime? expiresAt, DateTime now, TimeZoneInfo zone, bool english)
    {
        if (expiresAt is not { } end)
        {
            return L(english, "tertutup (belum pernah menulis)", "closed (never wrote)");
        }

        if (end <= now)
        {
            return L(english, $"tertutup sejak {Time(end, zone)}", $"closed since {Time(end, zone)}");
        }

        return L(english, $"terbuka, sisa {Span(end - now, english)} (sampai {Time(end, zone)})",
            $"open, {Span(end - now, english)} left (until {Time(end, zone)})");
    }

    /// <summary><c>3 jam 12 menit</c>, <c>kurang dari 1 menit</c>.</summary>
    public static string Span(TimeSpan span, bool english)
    {
        var minutes = (int)span.TotalMinutes;
        if (minutes < 1)
        {
            return L(english, "kurang dari 1 menit", "less than a minute");
        }

        var (hours, rest) = (minutes / 60, minutes % 60);
        var h = english ? $"{hours} hour{(hours == 1 ? "" : "s")}" : $"{hours} jam";
        var m = english ? $"{rest} minute{(rest == 1 ? "" : "s")}" : $"{rest} menit";
        return hours == 0 ? m : rest == 0 ? h : $"{h} {m}";
    }

    /// <summary>Why a free-form answer cannot go now, and what the office can do instead.</summary>
    public static string Refusal(DecisionReason reason, bool english) => reason switch
    {
        DecisionReason.WindowClosed => L(english,
            "Jendela 24 jam sudah tertutup: WhatsApp kini hanya mengizinkan templat yang disetujui, bukan pesan bebas. Jawab lewat SMS atau email di bawah; pemberitahuan izinnya tetap dikirim dengan templat WhatsApp.",
            "The 24-hour window has closed: WhatsApp now allows only approved templates, not free text. Answer by SMS or e-mail below; their permit notices still go as WhatsApp templates."),
        DecisionReason.OptedOut => L(english,
            "Orang ini berhenti menerima WhatsApp (STOP): jawaban tidak dikirim lewat WhatsApp. Jawab lewat SMS atau email di bawah; pemberitahuan izin juga tetap sampai lewat SMS atau email.",
            "This person stopped WhatsApp (STOP): no answer goes by WhatsApp. Answer by SMS or e-mail below; permit notices still reach them by SMS or e-mail too."),
        DecisionReason.NotOnWhatsApp => L(english,
            "Meta melaporkan nomor ini tidak dapat menerima WhatsApp. Jawab lewat SMS atau email di bawah.",
            "Meta reported that this number cannot receive WhatsApp. Answer by SMS or e-mail below."),
        DecisionReason.NoWhatsAppIdentity => L(english,
            "Tidak ada nomor WhatsApp untuk orang ini.", "There is no WhatsApp number for this person."),
        _ => L(english, "WhatsApp tidak diizinkan untuk orang ini sekarang.", "WhatsApp is not allowed for this person now."),
    };

    /// <summary>How far an answer got.</summary>
    public static string ReplyState(NotificationState state, bool english) => state switch
    {
        NotificationState.Queued or NotificationState.Scheduled => L(english, "dalam antrean", "queued"),
        NotificationState.Sending => L(english, "sedang dikirim", "sending"),
        NotificationState.Sent => L(english, "terkirim", "sent"),
        NotificationState.Delivered => L(english, "sampai", "delivered"),
        NotificationState.Read => L(english, "dibaca", "read"),
        NotificationState.Failed => L(english, "gagal", "failed"),
        NotificationState.Skipped => L(english, "tidak dikirim", "not sent"),
        _ => L(english, "dibatalkan", "cancelled"),
    };

    /// <summary>Who wrote an answer: an operator in the inbox, or Kabar confirming a keyword.</summary>
    public static string ReplyKind(string type, bool english) => type is SystemNotificationTypes.InboxReply or SystemNotificationTypes.InboxReplyOutsideWindow
        ? L(english, "jawaban petugas", "operator's answer")
        : L(english, "jawaban otomatis atas kata kunci", "automatic answer to a keyword");

    /// <summary>What a message that is no plain text was; null for text.</summary>
    public static string? MessageKind(string type, bool english) => type switch
    {
        "text" => null,
        "button" or "interactive" => L(english, "menekan tombol", "tapped a button"),
        "image" => L(english, "gambar", "picture"),
        "audio" => L(english, "pesan suara", "voice message"),
        "video" => "video",
        "document" => L(english, "dokumen", "document"),
        "sticker" => L(english, "stiker", "sticker"),
        "location" => L(english, "lokasi", "location"),
        "contacts" => L(english, "kartu kontak", "contact card"),
        "reaction" => L(english, "reaksi", "reaction"),
        _ => L(english, "pesan lain", "other message"),
    };

    /// <summary>What the message did to the person's consent, when it did something.</summary>
    public static string? Effect(string? effect, bool english) => effect switch
    {
        "opt_out" => L(english, "berhenti WhatsApp (STOP)", "stopped WhatsApp (STOP)"),
        "marketing_opt_out" => L(english, "berhenti promosi", "stopped promotions"),
        "opt_in" => L(english, "mulai lagi menerima WhatsApp", "started WhatsApp again"),
        "auto_opt_in" => L(english, "setuju karena menulis lebih dulu", "agreed by writing first"),
        "superseded" => L(english, "kata kunci terlambat, pilihan yang lebih baru berlaku", "late keyword, a newer choice stands"),
        _ => null,
    };
}
