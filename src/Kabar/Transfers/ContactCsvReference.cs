using Kabar.Consent;

namespace Kabar.Transfers;

/// <summary>The contact import's CSV as the reference page documents it: its columns and a file it accepts.</summary>
internal static class ContactCsvReference
{
    public const string Columns = """
        A CSV file, sent as the body (`Content-Type: text/csv`) or as the first file of a form (`multipart/form-data`).
        UTF-8 unless `?encoding=` names another (windows-1252, iso-8859-1). A header row names the columns
        (case-insensitive, in any order; the separator `,` `;` TAB or `|` is detected); one person per row, matched by phone.

        | column | meaning |
        | --- | --- |
        | `phone` (required; alias `holder_phone`) | the person's phone in any usual form (0812-3456-7890, +62 812 3456 7890); normalised to E.164 |
        | `name`, `email`, `language` | as `POST /api/contacts` checks them (`language`: `id` or `en`); an empty cell keeps what Kabar holds |
        | `consent` (alias `consent_state`) | `granted` or `withdrawn`; `unknown` or empty records no consent |
        | `consent_scope` | `whatsapp` (default) or `whatsapp_marketing` |
        | `consent_source` | where the consent was given, in the office's words (`formulir loket 2024`); required with a consent |
        | `consent_at` (alias `consent_date`) | when: `YYYY-MM-DD` (a day in the office's time zone) or an ISO 8601 time with zone; required with a consent |
        | `text_version` (alias `consent_text_version`) | the version of a consent text stored in Kabar; required with a grant |
        | `external_ref`, `permit_number`, `permit_type`, `status`, `issued_on`, `expires_on`, `renewal_of`, `registration_id`, `download_link`, `renewal_link`, `detail_link` | optional: one permit of this person, checked as `POST /api/imports/permits` checks it |

        A consent is recorded only with its evidence, and never over a newer entry of the ledger. Valid rows go in
        in one transaction; each rejected row is reported with its line, column and reason.
        """;

    public const string Example =
        "phone,name,email,language,consent,consent_scope,consent_source,consent_at,text_version\n"
        + "0812-3456-7890,Siti Aminah,siti@example.id,id,granted,whatsapp,formulir loket 2024,2024-03-14," + BuiltInConsentTexts.RegistrationFormVersion + "\n"
        + "0813-9876-5432,Budi Santoso,,id,,,,,\n";
}
