using System.Globalization;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Permits;

namespace Kabar.Transfers;

public sealed partial class ContactImporter
{
    /// <summary>A row that passed validation.</summary>
    private sealed record Row(int Line, string Phone, string? Name, string? Email, string? Language, RowConsent? Consent, PermitInput? Permit)
    {
        public bool SamePerson(Row other) =>
            (Name, Email, Language, Consent) == (other.Name, other.Email, other.Language, other.Consent);
    }

    /// <summary>The note for a row whose permit columns name no permit.</summary>
    public const string PermitWithoutReference =
        "The person was imported without a permit: a permit needs external_ref, permit_number or registration_id to be matched with the permit system.";

    private sealed record RowConsent(ConsentScope Scope, ConsentAction Action, string Source, DateTime OccurredAt, string? TextVersion);

    /// <summary>What a row is checked against: the consent texts Kabar holds, the office's time zone, the time of the import.</summary>
    private sealed record RowRules(HashSet<string> Versions, TimeZoneInfo Zone, DateTime Now);

    private Row? Validate(CsvHelper.CsvReader parser, string[] header, int line, RowRules rules, List<ImportRowError> errors,
        List<ImportRowError> notes)
    {
        var before = errors.Count;
        void Error(string column, string reason) => errors.Add(new ImportRowError(line, column, reason));
        string? Get(string column)
        {
            var index = Array.IndexOf(header, column);
            return index < 0 || index >= parser.FieldCount ? null : PermitValidation.Trim(parser.GetString(index));
        }

        RefuseFormulas(parser, header, Error);
        if (errors.Count > before)
        {
            return null;
        }

        var rawPhone = Get("phone");
        var phone = phones.Normalize(rawPhone);
        if (rawPhone is null)
        {
            Error("phone", $"A phone number is required: {PhoneNormalizer.AcceptedForm}.");
        }
        else if (phone is null)
        {
            Error("phone", $"'{PermitValidation.Shorten(rawPhone)}' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}.");
        }

        var name = Get("name");
        if (name is { Length: > 200 })
        {
            Error("name", "At most 200 characters.");
        }

        var email = Get("email")?.ToLowerInvariant();
        if (email is not null && (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email))
        {
            Error("email", $"'{PermitValidation.Shorten(email)}' is not an e-mail address; use the form name@example.id.");
        }

        var language = Get("language")?.ToLowerInvariant();
        if (language is not null and not ("id" or "en"))
        {
            Error("language", $"'{PermitValidation.Shorten(language)}' is not supported; use 'id' or 'en'.");
        }

        var consent = ValidateConsent(Get, Error, rules.Versions, rules.Zone, rules.Now);
        var permit = ValidatePermit(Get, new PersonRequest(rawPhone, name, email, language), line, errors, notes);
        return errors.Count > before ? null : new Row(line, phone!, name, email, language, consent, permit);
    }

    /// <summary>
    /// A cell a spreadsheet would run is refused, not rewritten: the office's data is stored as
    /// given or not at all. A phone may start with '+': it must be a valid number anyway.
    /// </summary>
    private void RefuseFormulas(CsvHelper.CsvReader parser, string[] header, Action<string, string> error)
    {
        for (var i = 0; i < Math.Min(parser.FieldCount, header.Length); i++)
        {
            var value = parser.GetString(i);
            if (CsvImport.LooksLikeFormula(value) && !(header[i] == "phone" && phones.Normalize(value) is not null))
            {
                error(header[i], CsvImport.FormulaReason(value));
            }
        }
    }

    /// <summary>
    /// The row's permit, checked as <c>import permits</c> checks one; the person's columns are checked by the caller.
    /// Without <c>external_ref</c> the permit is matched by <c>permit_number</c>, else by <c>registration_id</c>;
    /// a row with none of the three still imports the person, and its permit columns are left out with a note.
    /// </summary>
    private PermitInput? ValidatePermit(Func<string, string?> get, PersonRequest holder, int line, List<ImportRowError> errors,
        List<ImportRowError> notes)
    {
        var reference = get("external_ref") ?? get("permit_number") ?? get("registration_id");
        if (reference is null)
        {
            if (PermitColumns.FirstOrDefault(c => get(c) is not null) is { } given)
            {
                notes.Add(new ImportRowError(line, given, PermitWithoutReference));
            }

            return null;
        }

        var request = PermitCsvColumns.Request(c => c == "external_ref" ? reference : get(c), holder);
        var fieldErrors = new FieldErrors();
        var permit = PermitValidation.Validate(request, phones, fieldErrors);
        foreach (var (field, messages) in fieldErrors.Entries)
        {
            var column = PermitCsvColumns.ColumnOf(field, "");
            if (column is not ("phone" or "name" or "email" or "language"))
            {
                errors.AddRange(messages.Select(m => new ImportRowError(line, column, m)));
            }
        }

        return permit;
    }

    private static RowConsent? ValidateConsent(Func<string, string?> get, Action<string, string> error, HashSet<string> versions,
        TimeZoneInfo zone, DateTime now)
    {
        var state = get("consent")?.ToLowerInvariant();
        var scopeText = get("consent_scope");
        var source = get("consent_source");
        var atText = get("consent_at");
        var version = get("text_version");
        if (state is null or "unknown" && scopeText is null && source is null && atText is null && version is null)
        {
            // No consent column filled: the person is imported without consent (state unknown for
            // a new contact, the ledger unchanged for a known one).
            return null;
        }

        ConsentAction? action = state switch
        {
            "granted" or "yes" or "ya" => ConsentAction.Granted,
            "withdrawn" or "no" or "tidak" => ConsentAction.Withdrawn,
            _ => null,
        };
        if (action is null)
        {
            error("consent", state is null or "unknown"
                ? "The row has consent evidence but does not say what was agreed: write 'granted' or 'withdrawn' (or leave every consent column empty)."
                : $"'{PermitValidation.Shorten(state)}' is not a consent; write 'granted' or 'withdrawn'.");
        }

        var scope = ConsentScope.WhatsApp;
        if (scopeText is not null && !EnumText<ConsentScope>.TryParse(scopeText, out scope))
        {
            error("consent_scope", $"'{PermitValidation.Shorten(scopeText)}' is not a scope; use {EnumText<ConsentScope>.Choices}.");
        }

        // Evidence is what makes a consent one (SPEC §3): where it was given, when, and the words
        // the person agreed to. A grant without all three is not recorded — and the row is
        // rejected, so the office sees it rather than importing a person it believes consented.
        if (source is null)
        {
            error("consent_source", "Say where the consent was given (for example 'formulir loket 2024' or 'registration_form'); a consent is recorded only with its evidence.");
        }
        else if (source.Length > 200)
        {
            error("consent_source", "At most 200 characters.");
        }

        DateTime? at = null;
        if (atText is null)
        {
            error("consent_at", "Say when the consent was given: YYYY-MM-DD (a day in the office's time zone) or an ISO 8601 time such as 2024-03-15T09:30:00Z.");
        }
        else
        {
            at = ParseTime(atText, zone);
            if (at is null)
            {
                error("consent_at", $"'{PermitValidation.Shorten(atText)}' is not a date; write YYYY-MM-DD or an ISO 8601 time such as 2024-03-15T09:30:00Z.");
            }
            else if (at > now)
            {
                error("consent_at", "A consent cannot be given in the future.");
            }
        }

        if (version is null && action == ConsentAction.Granted)
        {
            error("text_version", "Name the version of the consent text the person agreed to (a text stored in Kabar, for example 'daftar-v1').");
        }
        else if (version is not null && !versions.Contains(version))
        {
            error("text_version", $"Consent text version '{PermitValidation.Shorten(version)}' is unknown; known: {string.Join(", ", versions.Order().Take(10))}. " +
                "Register the exact words once (POST /api/contacts with consent.text) before importing.");
        }

        return action is null || at is null || source is null
            ? null
            : new RowConsent(scope, action.Value, source, ConsentChain.ToMilliseconds(at.Value), version);
    }

    private static DateTime? ParseTime(string text, TimeZoneInfo zone)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
               && (text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9)
            ? at.UtcDateTime
            : null;
    }
}
