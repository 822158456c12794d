using Kabar.Common;
using Kabar.Contacts;

namespace Kabar.Permits;

/// <summary>Checks a permit request field by field; every message names what would be accepted.</summary>
public static class PermitValidation
{
    public static PermitInput? Validate(PermitRequest r, PhoneNormalizer phones, FieldErrors errors)
    {
        Required(r.ExternalRef, "externalRef", 100, "the permit system's reference, for example 'SICANTIK-2026-000123'", errors);
        Required(r.PermitType, "permitType", 200, "the kind of permit, for example 'Izin Usaha'", errors);
        Optional(r.PermitNumber, "permitNumber", 100, errors);
        Optional(r.RegistrationId, "registrationId", 100, errors);
        Optional(r.RenewalOf, "renewalOf", 100, errors);
        var status = PermitStatus.Submitted;
        if (string.IsNullOrWhiteSpace(r.Status))
        {
            errors.Add("status", $"A status is required: {EnumText<PermitStatus>.Choices}.");
        }
        else if (!EnumText<PermitStatus>.TryParse(r.Status.Trim(), out status))
        {
            errors.Add("status", $"'{Shorten(r.Status)}' is not a permit status; use {EnumText<PermitStatus>.Choices}.");
        }

        var issued = ParseDate(r.IssuedOn, "issuedOn", errors);
        var expires = ParseDate(r.ExpiresOn, "expiresOn", errors);
        if (issued is { } i && expires is { } e && e <= i)
        {
            errors.Add("expiresOn", $"The expiry date {e:yyyy-MM-dd} must come after issuedOn {i:yyyy-MM-dd}.");
        }

        if (r.RenewalOf is not null && r.ExternalRef is not null && r.RenewalOf.Trim() == r.ExternalRef.Trim())
        {
            errors.Add("renewalOf", "A permit cannot renew itself; give the externalRef of the permit it renews.");
        }

        var holder = r.Holder is null ? null : Person(r.Holder, "holder.", phones, errors);
        if (r.Holder is null)
        {
            errors.Add("holder", "The holder is required: { \"phone\": \"0812-3456-7890\", \"name\": \"...\", \"email\": \"...\" }.");
        }

        foreach (var (name, link) in new[] { ("download", r.Links?.Download), ("renewal", r.Links?.Renewal), ("detail", r.Links?.Detail) })
        {
            if (link is not null && (!Uri.TryCreate(link, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            {
                errors.Add($"links.{name}", $"'{Shorten(link)}' is not an http(s) address.");
            }
        }

        var documents = r.Documents is null ? null : Documents(r.Documents, phones, errors);

        if (errors.Any)
        {
            return null;
        }

        return new PermitInput(r.ExternalRef!.Trim(), Trim(r.PermitNumber), r.PermitType!.Trim(), status, holder!, issued, expires,
            Trim(r.RenewalOf), Trim(r.RegistrationId), r.Links, documents);
    }

    private static List<DocumentInput> Documents(IReadOnlyList<DocumentRequest> requests, PhoneNormalizer phones, FieldErrors errors)
    {
        var documents = new List<DocumentInput>();
        for (var n = 0; n < requests.Count; n++)
        {
            var d = requests[n];
            var prefix = $"documents[{n}].";
            Required(d.Name, prefix + "name", 200, "the document's name, for example 'SK Izin Usaha'", errors);
            var role = AssigneeRole.Staff;
            if (d.Role is null || !EnumText<AssigneeRole>.TryParse(d.Role, out role))
            {
                errors.Add(prefix + "role", $"'{Shorten(d.Role)}' is not a role; use {EnumText<AssigneeRole>.Choices} (staff sign, an official approves).");
            }

            var assignee = d.Assignee is null ? null : Person(d.Assignee, prefix + "assignee.", phones, errors);
            if (d.Assignee is null)
            {
                errors.Add(prefix + "assignee", "Name who must act: { \"phone\": \"...\", \"name\": \"...\" }.");
            }

            if (d.Name is not null && requests.Take(n).Any(o => string.Equals(o.Name?.Trim(), d.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(prefix + "name", $"'{Shorten(d.Name)}' is listed twice; each document of a permit has its own name.");
            }

            if (assignee is not null && d.Name is not null)
            {
                documents.Add(new DocumentInput(d.Name.Trim(), role, assignee, d.Done));
            }
        }

        return documents;
    }

    public static PersonInput? Person(PersonRequest p, string prefix, PhoneNormalizer phones, FieldErrors errors)
    {
        var bad = false;
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(p.Phone))
        {
            phone = phones.Normalize(p.Phone);
            if (phone is null)
            {
                errors.Add(prefix + "phone", $"'{Shorten(p.Phone)}' is not a usable phone number. Use {PhoneNormalizer.AcceptedForm}.");
                bad = true;
            }
        }

        var email = Trim(p.Email)?.ToLowerInvariant();
        if (email is not null && !System.Net.Mail.MailAddress.TryCreate(email, out _))
        {
            errors.Add(prefix + "email", $"'{Shorten(p.Email)}' is not an e-mail address.");
            bad = true;
        }

        if (string.IsNullOrWhiteSpace(p.Phone) && email is null)
        {
            errors.Add(prefix + "phone", $"A phone number or an e-mail address is required: {PhoneNormalizer.AcceptedForm}.");
            bad = true;
        }

        Optional(p.Name, prefix + "name", 200, errors);
        var language = Trim(p.Language)?.ToLowerInvariant();
        if (language is not null and not ("id" or "en"))
        {
            errors.Add(prefix + "language", $"'{Shorten(p.Language)}' is not supported; use 'id' or 'en'.");
            bad = true;
        }

        return bad ? null : new PersonInput(phone, Trim(p.Name), email, language);
    }

    public static DateOnly? ParseDate(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, $"'{Shorten(text)}' is not a date; write YYYY-MM-DD, for example 2027-11-25.");
        return null;
    }

    private static void Required(string? value, string field, int max, string what, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"Required: {what}.");
        }
        else
        {
            Optional(value, field, max, errors);
        }
    }

    private static void Optional(string? value, string field, int max, FieldErrors errors)
    {
        if (value is not null && value.Trim().Length > max)
        {
            errors.Add(field, $"At most {max} characters.");
        }
    }

    public static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static string Shorten(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "…" : s;
}
