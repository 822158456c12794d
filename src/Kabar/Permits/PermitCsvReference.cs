namespace Kabar.Permits;

/// <summary>The permit import's CSV as the reference page documents it: its columns and a file it accepts.</summary>
internal static class PermitCsvReference
{
    public const string Columns = """
        A CSV file, sent as the body (`Content-Type: text/csv`) or as the first file of a form (`multipart/form-data`).
        UTF-8 unless `?encoding=` names another (windows-1252, iso-8859-1). A header row names the columns
        (in any order; the separator `,` `;` TAB or `|` is detected); one permit per row.

        | column | meaning |
        | --- | --- |
        | `external_ref` (required) | the permit system's reference, which identifies the permit; once per file |
        | `permit_number` | the permit's number once issued |
        | `permit_type` (required) | the kind of permit, in the office's words (`Izin Usaha`) |
        | `status` (required) | `submitted`, `in_review`, `needs_documents`, `issued`, `rejected` or `revoked` |
        | `holder_phone`, `holder_email` (one required) | the holder's phone (any usual form, normalised to E.164) or e-mail |
        | `holder_name`, `holder_language` | the holder's name; `id` or `en` |
        | `issued_on`, `expires_on` | dates, `YYYY-MM-DD`; expiry reminders are planned from `expires_on` |
        | `renewal_of` | the `external_ref` of the permit this one renews |
        | `registration_id` | the application's registration number |
        | `download_link`, `renewal_link`, `detail_link` | the addresses notifications link to (https) |

        Each row is checked as `POST /api/permits` checks a request. Valid rows go in in one transaction; each rejected
        row is reported with its line, column and reason. An import sends no status notices; imported permits get
        their expiry reminders.
        """;

    public const string Example =
        "external_ref,permit_number,permit_type,status,holder_phone,holder_name,holder_email,holder_language,issued_on,expires_on,"
        + "renewal_of,registration_id,download_link,renewal_link,detail_link\n"
        + "SICANTIK-2026-000124,503/0187/IU/2026,Izin Usaha,issued,0812-3456-7890,Siti Aminah,siti@example.id,id,2026-11-25,2027-11-25,,"
        + "REG-2026-000124,https://sicantik.example.go.id/izin/503-0187,https://sicantik.example.go.id/perpanjang/503-0187,\n"
        + "SICANTIK-2026-000125,,Izin Mendirikan Bangunan,in_review,0813-9876-5432,Budi Santoso,,id,,,,REG-2026-000125,,,"
        + "https://sicantik.example.go.id/permohonan/REG-2026-000125\n";
}
