using System.Text.RegularExpressions;
using Kabar.Common;

namespace Kabar.Pages.Admin;

/// <summary>
/// Rows of an import report that share one reason, as the console shows them: "45 baris: …" once
/// instead of the same sentence 45 times. The importer's reasons are English (the API and the
/// command line answer in English); the console says the known ones in Indonesian, in general
/// words without the cell's value (the lines are listed), and keeps any other reason as it is.
/// </summary>
internal sealed record ImportReasonGroup(string Column, string Reason, IReadOnlyList<int> Lines)
{
    /// <summary>The lines of a group as the console lists them: the first ten, then "…".</summary>
    public string LineList => string.Join(", ", Lines.Take(10)) + (Lines.Count > 10 ? ", …" : "");

    /// <summary>Groups <paramref name="entries"/> by column and reason, the largest group first.</summary>
    public static IReadOnlyList<ImportReasonGroup> Of(IEnumerable<ImportRowError> entries, bool english) =>
        entries.Select(e => (e.Line, e.Column, Reason: Say(e.Reason, english)))
            .GroupBy(e => (e.Column, e.Reason))
            .Select(g => new ImportReasonGroup(g.Key.Column, g.Key.Reason, g.Select(e => e.Line).Distinct().Order().ToList()))
            .OrderByDescending(g => g.Lines.Count).ThenBy(g => g.Lines[0])
            .ToList();

    /// <summary>A reason in the console's language, without the values that would keep equal reasons apart.</summary>
    public static string Say(string reason, bool english)
    {
        ArgumentNullException.ThrowIfNull(reason);
        foreach (var (pattern, id, en) in Known)
        {
            if (Regex.IsMatch(reason, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            {
                return english ? en : id;
            }
        }

        return reason;
    }

    private static readonly (string Pattern, string Id, string En)[] Known =
    [
        (Regex.Escape(Transfers.ContactImporter.PermitWithoutReference), "Orangnya diimpor tanpa izin: izin perlu external_ref, permit_number atau registration_id agar cocok dengan sistem perizinan.",
            "The person was imported without a permit: a permit needs external_ref, permit_number or registration_id to be matched with the permit system."),
        (@"^A phone number is required", "Nomor HP wajib diisi, misalnya 0812-3456-7890 atau +6281234567890.",
            "A phone number is required, such as 0812-3456-7890 or +6281234567890."),
        (@"is not a usable phone number", "Bukan nomor telepon yang bisa dipakai. Tulis nomor HP seperti 0812-3456-7890 atau +6281234567890.",
            "Not a usable phone number. Write a mobile number such as 0812-3456-7890 or +6281234567890."),
        (@"is already on line \d+; each person once per file", "Nomor HP ini sudah ada di baris sebelumnya; satu orang satu kali per berkas (izin kedua orang yang sama boleh mengulang nomornya dengan data yang sama).",
            "This phone is already on an earlier line; each person once per file (a second permit of the same person may repeat the phone with the same details)."),
        (@"is already on line \d+ with other details", "Nomor HP ini sudah ada di baris sebelumnya dengan data lain; nomor yang diulang harus membawa nama, email, bahasa dan persetujuan yang sama, atau mengosongkannya.",
            "This phone is already on an earlier line with other details; a repeated phone must carry the same name, e-mail, language and consent, or leave them empty."),
        (@"is already on line \d+; each permit once per file", "Izin ini sudah ada di baris sebelumnya; setiap izin satu kali per berkas.",
            "This permit is already on an earlier line; each permit once per file."),
        (@"is not an e-mail address", "Bukan alamat email; tulis seperti nama@contoh.id.", "Not an e-mail address; write it like name@example.id."),
        (@"is not supported; use 'id' or 'en'", "Bahasa tidak dikenal; tulis 'id' atau 'en'.", "Unknown language; write 'id' or 'en'."),
        (@"^At most \d+ characters", "Terlalu panjang.", "Too long."),
        (@"does not say what was agreed", "Baris membawa bukti persetujuan tetapi tidak menyebut isinya: tulis 'granted' atau 'withdrawn' (atau kosongkan semua kolom persetujuan).",
            "The row has consent evidence but does not say what was agreed: write 'granted' or 'withdrawn' (or leave every consent column empty)."),
        (@"is not a consent; write 'granted'", "Bukan nilai persetujuan; tulis 'granted' atau 'withdrawn'.", "Not a consent; write 'granted' or 'withdrawn'."),
        (@"is not a scope; use", "Cakupan persetujuan tidak dikenal; tulis 'whatsapp' atau 'whatsapp_marketing'.", "Unknown consent scope; write 'whatsapp' or 'whatsapp_marketing'."),
        (@"^Say where the consent was given", "Sebutkan di mana persetujuan diberikan (misalnya 'formulir loket 2024'); persetujuan hanya dicatat dengan buktinya.",
            "Say where the consent was given (for example 'formulir loket 2024'); a consent is recorded only with its evidence."),
        (@"^Say when the consent was given", "Sebutkan kapan persetujuan diberikan: YYYY-MM-DD atau waktu ISO 8601.", "Say when the consent was given: YYYY-MM-DD or an ISO 8601 time."),
        (@"is not a date; write YYYY-MM-DD", "Bukan tanggal; tulis YYYY-MM-DD, misalnya 2027-11-25.", "Not a date; write YYYY-MM-DD, for example 2027-11-25."),
        (@"^A consent cannot be given in the future", "Persetujuan tidak bisa bertanggal di masa depan.", "A consent cannot be dated in the future."),
        (@"^Name the version of the consent text", "Sebutkan versi teks persetujuan yang disetujui (teks yang tersimpan di Kabar, misalnya 'daftar-v1').",
            "Name the version of the consent text the person agreed to (a text stored in Kabar, for example 'daftar-v1')."),
        (@"^Consent text version '.*' is unknown", "Versi teks persetujuan ini tidak dikenal; daftarkan dulu teksnya sekali sebelum impor.",
            "This consent text version is unknown; register the text once before importing."),
        (@"^Required: the permit system's reference", "Nomor rujukan izin di sistem perizinan wajib diisi.", "The permit's reference in the permit system is required."),
        (@"^Required: the kind of permit", "Jenis izin (permit_type) wajib diisi, misalnya 'Izin Usaha'.", "The kind of permit (permit_type) is required, for example 'Izin Usaha'."),
        (@"^A status is required", "Status izin wajib diisi: submitted, in_review, needs_documents, issued, rejected atau revoked.",
            "A permit status is required: submitted, in_review, needs_documents, issued, rejected or revoked."),
        (@"is not a permit status", "Status izin tidak dikenal; tulis submitted, in_review, needs_documents, issued, rejected atau revoked.",
            "Unknown permit status; write submitted, in_review, needs_documents, issued, rejected or revoked."),
        (@"must come after issuedOn", "Tanggal berakhir harus sesudah tanggal terbit.", "The expiry date must come after the issue date."),
        (@"is not an http\(s\) address", "Bukan alamat http(s).", "Not an http(s) address."),
        (@"^No permit has external_ref", "Izin yang diperpanjang belum ada; impor izin itu lebih dulu.", "The permit being renewed is not there; import it first."),
        (@"which a spreadsheet runs as a formula", "Diawali tanda yang dijalankan spreadsheet sebagai rumus; hapus tanda itu lalu impor lagi.",
            "Starts with a character a spreadsheet runs as a formula; remove it and import the row again."),
        (@"^This cell is not UTF-8 text", "Sel ini bukan teks UTF-8 (berkas tampaknya Windows-1252, 'CSV' biasa dari Excel); simpan sebagai 'CSV UTF-8' atau pilih pengodean Windows-1252.",
            "This cell is not UTF-8 text (the file looks like Windows-1252, Excel's plain 'CSV'); save it as 'CSV UTF-8' or choose the Windows-1252 encoding."),
        (@"^This number was erased at its owner's request", "Nomor ini pernah dihapus atas permintaan pemiliknya; penarikan persetujuan tetap berlaku, hanya persetujuan sesudah penghapusan yang dicatat.",
            "This number was erased at its owner's request; the withdrawal stands and only a consent given after the erasure is recorded."),
        (@"^Not recorded: the ledger already has a later", "Tidak dicatat: catatan persetujuan sudah berisi kejadian yang lebih baru, dan itu yang berlaku.",
            "Not recorded: the consent ledger already has a later event, which stands."),
    ];
}
