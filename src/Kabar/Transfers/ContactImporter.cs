using System.Globalization;
using System.Text;
using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Transfers;

/// <summary>
/// The outcome of a contact import. <see cref="Created"/> + <see cref="Updated"/> + <see cref="Unchanged"/>
/// + <see cref="Rejected"/> = <see cref="Rows"/>; <see cref="Notes"/> are rows that went in with
/// something the office should know (an older consent not recorded because the ledger has a newer one).
/// </summary>
public sealed record ContactImportReport(
    int Rows,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    int ConsentsRecorded,
    int PermitsCreated,
    int PermitsUpdated,
    bool DryRun,
    IReadOnlyList<ImportRowError> Errors,
    IReadOnlyList<ImportRowError> Notes);

/// <summary>
/// Imports existing contacts from CSV (SPEC §9): UTF-8 with a header row, one person per phone.
/// A row records a consent only when it carries the evidence (where it was given, when, and the
/// version of the text the person agreed to); it never invents one, and it never overrides a newer
/// entry of the ledger. A row may also carry one permit of the person (the permit import's columns).
/// Valid rows go in whole, in one transaction; rejected rows change nothing.
/// </summary>
public sealed class ContactImporter(IServiceScopeFactory scopes, PhoneNormalizer phones, TimeProvider time, WriteGate gate,
    Privacy.ErasureRegistry erasures, IOptions<PolicyOptions> policy)
{
    public static readonly string[] ContactColumns =
        ["phone", "name", "email", "language", "consent", "consent_scope", "consent_source", "consent_at", "text_version"];

    /// <summary>The permit columns a row may add (as <c>import permits</c>, the holder being the row's person).</summary>
    public static readonly string[] PermitColumns =
    [
        "external_ref", "permit_number", "permit_type", "status", "issued_on", "expires_on", "renewal_of", "registration_id",
        "download_link", "renewal_link", "detail_link",
    ];

    public static IEnumerable<string> Columns => ContactColumns.Concat(PermitColumns);

    /// <summary>Other names accepted in the header, so a file exported by Kabar imports as it is.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["consent_state"] = "consent",
        ["consent_date"] = "consent_at",
        ["consent_text_version"] = "text_version",
        ["holder_phone"] = "phone",
        ["holder_name"] = "name",
        ["holder_email"] = "email",
        ["holder_language"] = "language",
    };

    private static readonly Dictionary<string, string> PermitColumnOf = new(StringComparer.Ordinal)
    {
        ["externalRef"] = "external_ref",
        ["permitNumber"] = "permit_number",
        ["permitType"] = "permit_type",
        ["status"] = "status",
        ["holder"] = "phone",
        ["holder.phone"] = "phone",
        ["holder.name"] = "name",
        ["holder.email"] = "email",
        ["holder.language"] = "language",
        ["issuedOn"] = "issued_on",
        ["expiresOn"] = "expires_on",
        ["renewalOf"] = "renewal_of",
        ["registrationId"] = "registration_id",
        ["links.download"] = "download_link",
        ["links.renewal"] = "renewal_link",
        ["links.detail"] = "detail_link",
    };

    private const int Batch = 500;

    /// <summary>A row that passed validation.</summary>
    private sealed record Row(int Line, string Phone, string? Name, string? Email, string? Language, RowConsent? Consent, PermitInput? Permit)
    {
        public bool SamePerson(Row other) =>
            (Name, Email, Language, Consent) == (other.Name, other.Email, other.Language, other.Consent);
    }

    private sealed record RowConsent(ConsentScope Scope, ConsentAction Action, string Source, DateTime OccurredAt, string? TextVersion);

    /// <summary>Imports <paramref name="csv"/>; <paramref name="progress"/> hears (rows done, rows in the file) now and then.</summary>
    public async Task<ContactImportReport> ImportAsync(Stream csv, bool dryRun, string importedBy, CancellationToken ct,
        Encoding? encoding = null, IProgress<(int Done, int Total)>? progress = null)
    {
        var errors = new List<ImportRowError>();
        var valid = new List<Row>();
        var rows = 0;
        var now = time.GetUtcNow().UtcDateTime;
        HashSet<string> versions;
        await using (var scope = scopes.CreateAsyncScope())
        {
            versions = (await scope.ServiceProvider.GetRequiredService<KabarDbContext>().ConsentTexts.AsNoTracking()
                .Select(t => t.Version).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        await using (var parser = CsvImport.Open(csv, encoding))
        {
            var header = (await CsvImport.ReadHeaderAsync(parser, ct)).Select(h => Aliases.GetValueOrDefault(h, h)).ToArray();
            if (header.Length == 0 || header.All(h => h.Length == 0))
            {
                return Report(0, 0, 0, 0, (0, 0), [new ImportRowError(1, "", "The file is empty; the first line must name the columns: " + string.Join(",", ContactColumns) + ".")], [], dryRun);
            }

            if (!header.Contains("phone"))
            {
                return Report(0, 0, 0, 0, (0, 0), [new ImportRowError(1, "phone", $"The header has no 'phone' column. Columns: {string.Join(",", ContactColumns)} (and, for a permit, {string.Join(",", PermitColumns)}).")], [], dryRun);
            }

            var firstOfPhone = new Dictionary<string, Row>(StringComparer.Ordinal);
            var firstOfPermit = new Dictionary<string, int>(StringComparer.Ordinal);
            while (await parser.ReadAsync(ct))
            {
                rows++;
                if (rows % 5000 == 0)
                {
                    progress?.Report((0, rows));
                }

                var line = (int)parser.LineNumber;
                if (CsvImport.FirstInvalidUtf8Field(parser) is >= 0 and var bad)
                {
                    errors.Add(new ImportRowError(line, bad < header.Length ? header[bad] : "", CsvImport.InvalidUtf8Reason));
                    continue;
                }

                var row = Validate(parser, header, line, versions, zone, now, errors);
                if (row is null)
                {
                    continue;
                }

                if (row.Permit is { } permit)
                {
                    if (firstOfPermit.TryGetValue(permit.ExternalRef, out var firstLine))
                    {
                        errors.Add(new ImportRowError(line, "external_ref", $"'{permit.ExternalRef}' is already on line {firstLine}; each permit once per file."));
                        continue;
                    }
                }

                if (firstOfPhone.TryGetValue(row.Phone, out var first))
                {
                    // One person per phone. A person with several permits has a row per permit;
                    // the later rows must then say the same about the person (or leave it empty).
                    var later = row with { Name = row.Name ?? first.Name, Email = row.Email ?? first.Email, Language = row.Language ?? first.Language, Consent = row.Consent ?? first.Consent };
                    if (row.Permit is null || !later.SamePerson(first))
                    {
                        errors.Add(new ImportRowError(line, "phone", row.Permit is null
                            ? $"{Pii.MaskPhone(row.Phone)} is already on line {first.Line}; each person once per file (a second permit of the same person may repeat the phone with the same details)."
                            : $"{Pii.MaskPhone(row.Phone)} is already on line {first.Line} with other details; a repeated phone must carry the same name, e-mail, language and consent, or leave them empty."));
                        continue;
                    }

                    row = row with { Name = null, Email = null, Language = null, Consent = null };
                }
                else
                {
                    firstOfPhone[row.Phone] = row;
                }

                if (row.Permit is { } p)
                {
                    firstOfPermit[p.ExternalRef] = line;
                }

                valid.Add(row);
            }
        }

        // A webhook changing one of these contacts at the same moment (PostgreSQL) makes the
        // transaction lose on the ledger's concurrency token; nothing was kept, so run it again.
        for (var attempt = 1; ; attempt++)
        {
            var writeErrors = new List<ImportRowError>(errors);
            var writeNotes = new List<ImportRowError>();
            try
            {
                var outcome = await WriteAsync(valid, dryRun, importedBy, now, writeErrors, writeNotes, rows, progress, ct);
                return Report(rows, outcome.Created, outcome.Updated, outcome.Consents, outcome.Permits, writeErrors, writeNotes, dryRun);
            }
            catch (Exception ex) when (attempt < 3 && ex.IsRetryableConflict())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
        }
    }

    private static ContactImportReport Report(int rows, int created, int updated, int consents, (int Created, int Updated) permits,
        List<ImportRowError> errors, List<ImportRowError> notes, bool dryRun)
    {
        var order = Columns.ToList();
        var rejected = errors.Where(e => e.Line > 1 || rows > 0).Select(e => e.Line).Distinct().Count();
        return new ContactImportReport(rows, created, updated, Math.Max(0, rows - created - updated - rejected), rejected, consents,
            permits.Created, permits.Updated, dryRun,
            errors.OrderBy(e => e.Line).ThenBy(e => order.IndexOf(e.Column)).ToList(),
            notes.OrderBy(e => e.Line).ToList());
    }

    private Row? Validate(CsvHelper.CsvReader parser, string[] header, int line, HashSet<string> versions, TimeZoneInfo zone,
        DateTime now, List<ImportRowError> errors)
    {
        var before = errors.Count;
        void Error(string column, string reason) => errors.Add(new ImportRowError(line, column, reason));
        string? Get(string column)
        {
            var index = Array.IndexOf(header, column);
            return index < 0 || index >= parser.FieldCount ? null : PermitValidation.Trim(parser.GetString(index));
        }

        // A cell a spreadsheet would run is refused, not rewritten: the office's data is stored as
        // given or not at all. A phone may start with '+': it must be a valid number anyway.
        for (var i = 0; i < Math.Min(parser.FieldCount, header.Length); i++)
        {
            var value = parser.GetString(i);
            if (CsvImport.LooksLikeFormula(value) && !(header[i] == "phone" && phones.Normalize(value) is not null))
            {
                Error(header[i], CsvImport.FormulaReason(value));
            }
        }

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

        var consent = ValidateConsent(Get, Error, versions, zone, now);

        PermitInput? permit = null;
        if (Get("external_ref") is not null)
        {
            var request = new PermitRequest(Get("external_ref"), Get("permit_number"), Get("permit_type"), Get("status"),
                new PersonRequest(rawPhone, name, email, language), Get("issued_on"), Get("expires_on"), Get("renewal_of"),
                Get("registration_id"), new PermitLinks(Get("download_link"), Get("renewal_link"), Get("detail_link")), null);
            var fieldErrors = new FieldErrors();
            permit = PermitValidation.Validate(request, phones, fieldErrors);
            foreach (var (field, messages) in fieldErrors.Entries)
            {
                var column = PermitColumnOf.GetValueOrDefault(field, field);
                if (column is not ("phone" or "name" or "email" or "language"))
                {
                    errors.AddRange(messages.Select(m => new ImportRowError(line, column, m)));
                }
            }
        }
        else if (PermitColumns.Any(c => c != "external_ref" && Get(c) is not null))
        {
            Error("external_ref", "The row has permit columns but no external_ref: give the permit's reference in the permit system, or leave the permit columns empty.");
        }

        return errors.Count > before ? null : new Row(line, phone!, name, email, language, consent, permit);
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

    private sealed record Outcome(int Created, int Updated, int Consents, (int Created, int Updated) Permits);

    private async Task<Outcome> WriteAsync(List<Row> valid, bool dryRun, string importedBy, DateTime now, List<ImportRowError> errors,
        List<ImportRowError> notes, int total, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        int created = 0, updated = 0, consents = 0, permitsCreated = 0, permitsUpdated = 0;
        using var turn = await gate.EnterAsync(ct, urgent: false);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<ConsentLedger>();
        var permits = scope.ServiceProvider.GetRequiredService<PermitWriter>();

        // One transaction: a crash or a lost race leaves nothing of the import behind.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var cancel = new List<Guid>();
        var done = 0;
        foreach (var chunk in valid.Chunk(Batch))
        {
            var chunkPhones = chunk.Select(r => r.Phone).Distinct().ToList();
            var existing = await db.Contacts.Where(c => c.Phone != null && chunkPhones.Contains(c.Phone)).ToDictionaryAsync(c => c.Phone!, ct);
            foreach (var row in chunk)
            {
                // The one thing the permit writer can refuse is checked before the row touches
                // anything: the contact and its ledger must not be half-changed by a refused row.
                if (row.Permit is { RenewalOf: { } renewalOf }
                    && db.Permits.Local.All(p => p.ExternalRef != renewalOf)
                    && !await db.Permits.AnyAsync(p => p.ExternalRef == renewalOf, ct))
                {
                    errors.Add(new ImportRowError(row.Line, "renewal_of",
                        $"No permit has external_ref '{PermitValidation.Shorten(renewalOf)}'; import the permit being renewed first."));
                    continue;
                }

                var isNew = !existing.TryGetValue(row.Phone, out var contact) && db.Contacts.Local.All(c => c.Phone != row.Phone);
                contact ??= db.Contacts.Local.FirstOrDefault(c => c.Phone == row.Phone);
                var changed = false;
                if (contact is null)
                {
                    contact = new Contact { Id = Guid.CreateVersion7(), Phone = row.Phone, CreatedAt = now, UpdatedAt = now };
                    db.Contacts.Add(contact);

                    // A number erased at its owner's request comes back withdrawn (SPEC §11): a
                    // consent dated before the erasure then loses to it like any older event.
                    if (await erasures.CarryOverAsync(db, contact, now, ct))
                    {
                        notes.Add(new ImportRowError(row.Line, "phone",
                            "This number was erased at its owner's request; the withdrawal is kept and only a consent given after the erasure is recorded."));
                    }
                }

                if ((row.Name is not null && row.Name != contact.Name) || (row.Email is not null && row.Email != contact.Email)
                    || (row.Language is not null && row.Language != contact.Language))
                {
                    contact.Name = row.Name ?? contact.Name;
                    contact.Email = row.Email ?? contact.Email;
                    contact.Language = row.Language ?? contact.Language;
                    contact.UpdatedAt = now;
                    changed = true;
                }

                if (row.Permit is { } permit)
                {
                    var outcome = await permits.UpsertAsync(db, permit, now, notify: false, ct);
                    if (outcome.Permit is null)
                    {
                        // Checked above; undoing a contact and ledger change here is not possible.
                        throw new InvalidOperationException($"Line {row.Line}: the permit writer refused a checked row: {outcome.Error}");
                    }

                    cancel.AddRange(outcome.CancelRemindersOf);
                    if (outcome.Created)
                    {
                        permitsCreated++;
                    }
                    else
                    {
                        permitsUpdated++;
                    }
                }

                if (row.Consent is { } consent)
                {
                    if (contact.ConsentChangedAt(consent.Scope) is { } latest && latest >= consent.OccurredAt)
                    {
                        // The ledger's latest event wins (SPEC §3): a STOP after the date of the
                        // imported consent stands. The same consent imported again lands here too.
                        if (latest > consent.OccurredAt || contact.ConsentFor(consent.Scope) != State(consent.Action))
                        {
                            notes.Add(new ImportRowError(row.Line, "consent_at",
                                $"Not recorded: the ledger already has a later {EnumText<ConsentScope>.Name(consent.Scope)} event ({EnumText<ConsentState>.Name(contact.ConsentFor(consent.Scope))} at {latest:yyyy-MM-dd HH:mm} UTC), which stands."));
                        }
                    }
                    else
                    {
                        await ledger.AppendAsync(contact, consent.Scope, consent.Action, ConsentSource.Import, consent.OccurredAt, now,
                            new ConsentEvidence
                            {
                                TextVersion = consent.TextVersion,
                                Operator = importedBy,
                                Note = $"Imported; given at: {consent.Source}",
                            }, ct);
                        consents++;
                        changed = true;
                    }
                }

                if (isNew)
                {
                    created++;
                }
                else if (changed)
                {
                    updated++;
                }
            }

            await db.SaveChangesAsync(ct);
            await PermitWriter.CancelExpiryRemindersAsync(db, cancel, now, ct);
            db.ChangeTracker.Clear();
            cancel.Clear();
            done += chunk.Length;
            progress?.Report((done, total));
        }

        if (dryRun)
        {
            await tx.RollbackAsync(ct);
        }
        else
        {
            await tx.CommitAsync(ct);
        }

        return new Outcome(created, updated, consents, (permitsCreated, permitsUpdated));
    }

    private static ConsentState State(ConsentAction action) =>
        action == ConsentAction.Granted ? ConsentState.Granted : ConsentState.Withdrawn;
}
