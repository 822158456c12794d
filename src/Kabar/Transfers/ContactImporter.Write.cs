using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Permits;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Transfers;

public sealed partial class ContactImporter
{
    /// <summary>What the import wrote (or, in a dry run, would have written).</summary>
    private sealed class Outcome
    {
        public int Created { get; set; }
        public int Updated { get; set; }
        public int Consents { get; set; }
        public int PermitsCreated { get; set; }
        public int PermitsUpdated { get; set; }
        public (int Created, int Updated) Permits => (PermitsCreated, PermitsUpdated);
    }

    /// <summary>The services and running state of one write, shared by its rows.</summary>
    private sealed record Writing(KabarDbContext Db, ConsentLedger Ledger, PermitWriter Permits, string ImportedBy, DateTime Now,
        List<ImportRowError> Errors, List<ImportRowError> Notes, List<Guid> Cancel, Outcome Outcome);

    private async Task<Outcome> WriteAsync(List<Row> valid, bool dryRun, string importedBy, DateTime now, List<ImportRowError> errors,
        List<ImportRowError> notes, int total, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        using var turn = await gate.EnterAsync(ct, urgent: false);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var w = new Writing(db, scope.ServiceProvider.GetRequiredService<ConsentLedger>(), scope.ServiceProvider.GetRequiredService<PermitWriter>(),
            importedBy, now, errors, notes, [], new Outcome());

        // One transaction: a crash or a lost race leaves nothing of the import behind.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var done = 0;
        foreach (var chunk in valid.Chunk(Batch))
        {
            var chunkPhones = chunk.Select(r => r.Phone).Distinct().ToList();
            var existing = await db.Contacts.Where(c => c.Phone != null && chunkPhones.Contains(c.Phone)).ToDictionaryAsync(c => c.Phone!, ct);
            foreach (var row in chunk)
            {
                await WriteRowAsync(w, row, existing, ct);
            }

            await db.SaveChangesAsync(ct);
            await PermitWriter.CancelExpiryRemindersAsync(db, w.Cancel, now, ct);
            db.ChangeTracker.Clear();
            w.Cancel.Clear();
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

        return w.Outcome;
    }

    private async Task WriteRowAsync(Writing w, Row row, Dictionary<string, Contact> existing, CancellationToken ct)
    {
        var (db, now) = (w.Db, w.Now);

        // The one thing the permit writer can refuse is checked before the row touches
        // anything: the contact and its ledger must not be half-changed by a refused row.
        if (row.Permit is { RenewalOf: { } renewalOf }
            && db.Permits.Local.All(p => p.ExternalRef != renewalOf)
            && !await db.Permits.AnyAsync(p => p.ExternalRef == renewalOf, ct))
        {
            w.Errors.Add(new ImportRowError(row.Line, "renewal_of",
                $"No permit has external_ref '{PermitValidation.Shorten(renewalOf)}'; import the permit being renewed first."));
            return;
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
                w.Notes.Add(new ImportRowError(row.Line, "phone",
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
            await WritePermitAsync(w, row, permit, ct);
        }

        if (row.Consent is { } consent && await RecordConsentAsync(w, row, contact, consent, ct))
        {
            changed = true;
        }

        if (isNew)
        {
            w.Outcome.Created++;
        }
        else if (changed)
        {
            w.Outcome.Updated++;
        }
    }

    private static async Task WritePermitAsync(Writing w, Row row, PermitInput permit, CancellationToken ct)
    {
        var outcome = await w.Permits.UpsertAsync(w.Db, permit, w.Now, notify: false, ct);
        if (outcome.Permit is null)
        {
            // Checked above; undoing a contact and ledger change here is not possible.
            throw new InvalidOperationException($"Line {row.Line}: the permit writer refused a checked row: {outcome.Error}");
        }

        w.Cancel.AddRange(outcome.CancelRemindersOf);
        if (outcome.Created)
        {
            w.Outcome.PermitsCreated++;
        }
        else
        {
            w.Outcome.PermitsUpdated++;
        }
    }

    /// <summary>Appends the row's consent to the ledger unless a later event stands; true when it did.</summary>
    private static async Task<bool> RecordConsentAsync(Writing w, Row row, Contact contact, RowConsent consent, CancellationToken ct)
    {
        if (contact.ConsentChangedAt(consent.Scope) is { } latest && latest >= consent.OccurredAt)
        {
            // The ledger's latest event wins (SPEC §3): a STOP after the date of the
            // imported consent stands. The same consent imported again lands here too.
            if (latest > consent.OccurredAt || contact.ConsentFor(consent.Scope) != State(consent.Action))
            {
                w.Notes.Add(new ImportRowError(row.Line, "consent_at",
                    $"Not recorded: the ledger already has a later {EnumText<ConsentScope>.Name(consent.Scope)} event ({EnumText<ConsentState>.Name(contact.ConsentFor(consent.Scope))} at {latest:yyyy-MM-dd HH:mm} UTC), which stands."));
            }

            return false;
        }

        await w.Ledger.AppendAsync(contact, consent.Scope, consent.Action, ConsentSource.Import, consent.OccurredAt, w.Now,
            new ConsentEvidence
            {
                TextVersion = consent.TextVersion,
                Operator = w.ImportedBy,
                Note = $"Imported; given at: {consent.Source}",
            }, ct);
        w.Outcome.Consents++;
        return true;
    }

    private static ConsentState State(ConsentAction action) =>
        action == ConsentAction.Granted ? ConsentState.Granted : ConsentState.Withdrawn;
}
