using Kabar.Notifications;

namespace Kabar.Admin;

/// <summary>
/// What each WhatsApp error code means and what staff should do about it (SPEC §6), in Indonesian
/// and English. <see cref="For"/> is the English meaning the API returns; the console shows
/// <see cref="Describe"/> in the reader's language. The action follows from the code's row in
/// <see cref="ErrorTable"/>, so it says what Kabar already does and what is left to a person.
/// </summary>
public static class ErrorMeanings
{
    private static readonly Dictionary<int, (string Id, string En)> Meanings = new()
    {
        [130429] = ("Batas kecepatan tercapai: terlalu banyak pesan per detik", "Throughput reached: too many messages per second"),
        [131000] = ("Ada gangguan di Meta", "Something went wrong at Meta"),
        [131016] = ("Layanan Meta sementara tidak tersedia", "Service temporarily unavailable"),
        [133004] = ("Server Meta sementara tidak tersedia", "Server temporarily unavailable"),
        [131057] = ("Akun sedang dalam pemeliharaan", "Account in maintenance mode"),
        [131056] = ("Terlalu banyak pesan ke satu orang dalam waktu singkat", "Too many messages to one person in a short time (pair rate)"),
        [131047] = ("Lebih dari 24 jam sejak pesan terakhir warga: perlu templat", "More than 24 hours since the person's last message: template needed"),
        [131026] = ("Pesan tidak dapat disampaikan: nomor tidak memakai WhatsApp atau aplikasinya lama", "Message undeliverable: not on WhatsApp or old app"),
        [131049] = ("Ditahan Meta agar pesan promosi tidak berlebihan", "Held back by Meta to keep marketing engagement healthy"),
        [131050] = ("Warga berhenti menerima pesan promosi", "The person stopped marketing messages"),
        [130403] = ("Pengiriman ke negara ini tidak diizinkan", "Sending to this country is not allowed"),
        [131051] = ("Jenis pesan tidak didukung", "Unsupported message type"),
        [132000] = ("Jumlah parameter templat tidak cocok", "Template parameter count does not match"),
        [132001] = ("Templat tidak ada dalam bahasa ini", "Template does not exist in this language"),
        [132012] = ("Format parameter templat tidak cocok", "Template parameter format does not match"),
        [132015] = ("Templat dijeda karena kualitasnya rendah", "Template paused for low quality"),
        [132016] = ("Templat dinonaktifkan karena kualitasnya rendah", "Template disabled for low quality"),
        [132018] = ("Parameter templat tidak sah", "Template parameters are invalid"),
        [100] = ("Parameter permintaan tidak sah", "Invalid parameter in the request"),
        [131008] = ("Parameter wajib tidak ada", "A required parameter is missing"),
        [131009] = ("Nilai parameter tidak sah", "A parameter value is invalid"),
        [190] = ("Token akses kedaluwarsa atau tidak sah", "Access token expired or invalid"),
        [0] = ("Autentikasi gagal", "Authentication failed"),
        [10] = ("Izin akses ditolak", "Permission denied"),
        [131031] = ("Akun bisnis dikunci", "Business account locked"),
        [131042] = ("Masalah pembayaran pada akun bisnis", "Payment problem on the business account"),
        [368] = ("Diblokir sementara karena pelanggaran kebijakan", "Temporarily blocked for policy violations"),
        [2] = ("Gangguan layanan API Meta", "Meta API service problem"),
        [4] = ("Terlalu banyak panggilan API", "Too many API calls"),
        [80007] = ("Batas panggilan tercapai", "Rate limit reached"),
    };

    private static readonly (string Id, string En) Unlisted =
        ("Kode tidak terdaftar: diperlakukan sebagai masalah permintaan", "Unlisted code: treated as a request problem");

    /// <summary>The English meaning, as <c>GET /api/stats</c> returns it.</summary>
    public static string For(int code) => Meanings.GetValueOrDefault(code, Unlisted).En;

    /// <summary>The meaning and what staff should do, in the reader's language.</summary>
    public static (string Meaning, string Action) Describe(int code, bool english)
    {
        var meaning = Meanings.GetValueOrDefault(code, Unlisted);
        var action = ActionFor(code);
        return (english ? meaning.En : meaning.Id, english ? action.En : action.Id);
    }

    private static (string Id, string En) ActionFor(int code) => ErrorTable.For(code) switch
    {
        ErrorAction.Retry => ("Tidak perlu tindakan: Kabar mencoba lagi, lalu beralih ke SMS/email bila tetap gagal.",
            "Nothing to do: Kabar retries, then falls back to SMS/e-mail if it keeps failing."),
        ErrorAction.PairRate => ("Tidak perlu tindakan: Kabar menunggu sebentar lalu mengirim lagi ke orang ini.",
            "Nothing to do: Kabar waits a little, then sends to this person again."),
        ErrorAction.WindowClosed => ("Tidak perlu tindakan: Kabar mengirim versi templat atau beralih ke SMS/email.",
            "Nothing to do: Kabar sends the template version or falls back to SMS/e-mail."),
        ErrorAction.Undeliverable => ("Periksa nomornya bersama warga; selama 30 hari Kabar memakai SMS/email untuk nomor ini.",
            "Check the number with the person; for 30 days Kabar uses SMS/e-mail for this number."),
        ErrorAction.MarketingHeld => ("Tidak perlu tindakan: promosi ditahan 24 jam; pemberitahuan penting dikirim lewat SMS/email.",
            "Nothing to do: marketing waits 24 hours; essential notices go by SMS/e-mail."),
        ErrorAction.MarketingStopped => ("Hormati pilihannya: Kabar tidak mengirim promosi lagi kepada orang ini.",
            "Respect the choice: Kabar sends this person no more marketing."),
        ErrorAction.RequestProblem => ("Periksa templat ini di Templat & nomor dan di WhatsApp Manager; sementara itu Kabar memakai SMS/email.",
            "Check this template under Templates & numbers and in WhatsApp Manager; meanwhile Kabar uses SMS/e-mail."),
        _ => ("Segera: perbaiki di Meta (token, pembayaran atau kebijakan), lalu tekan Lanjutkan di Templat & nomor. Antrean menunggu.",
            "Urgent: fix it at Meta (token, payment or policy), then press Resume under Templates & numbers. The queue waits."),
    };
}
