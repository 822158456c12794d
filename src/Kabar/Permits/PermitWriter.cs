using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Kabar.Permits;

/// <summary>
/// The result of one upsert: the permit, whether it is new, or the field that stopped it; and the
/// permits whose waiting expiry reminders the caller cancels right after saving
/// (<see cref="PermitWriter.CancelExpiryRemindersAsync(KabarDbContext, IEnumerable{Guid}, DateTime, CancellationToken)"/>).
/// </summary>
public sealed record PermitOutcome(Permit? Permit, bool Created, string? ErrorField = null, string? Error = null)
{
    public List<Guid> CancelRemindersOf { get; } = [];
}

/// <summary>
/// Applies a permit from the API or an import inside the caller's unit of work: the holder and
/// staff contacts, the permit, its documents and the notices its changes cause (SPEC §5, §9) are
/// all saved by the caller's one <c>SaveChanges</c>. Every notice has a natural idempotency key,
/// so replaying the same upsert changes nothing and creates nothing.
/// </summary>
public sealed class PermitWriter(NotificationWriter writer, PermitNotices notices, Privacy.ErasureRegistry erasures)
{
    public async Task<PermitOutcome> UpsertAsync(KabarDbContext db, PermitInput input, DateTime now, bool notify, CancellationToken ct)
    {
        Permit? renewed = null;
        if (input.RenewalOf is not null)
        {
            renewed = db.Permits.Local.FirstOrDefault(p => p.ExternalRef == input.RenewalOf)
                ?? await db.Permits.FirstOrDefaultAsync(p => p.ExternalRef == input.RenewalOf, ct);
            if (renewed is null)
            {
                return new PermitOutcome(null, false, "renewalOf", $"No permit has externalRef '{input.RenewalOf}'; send the permit being renewed first.");
            }
        }

        var holder = await FindOrAddContactAsync(db, input.Holder, now, erasures, ct);
        var (permit, created) = await FindOrAddPermitAsync(db, input, now, ct);
        var oldStatus = permit.Status;
        var statusChanged = !created && oldStatus != input.Status;
        // A field left out keeps its value: the permit system may send only what changed.
        var expiryChanged = !created && input.ExpiresOn is not null && permit.ExpiresOn != input.ExpiresOn;

        CopyFields(permit, input, holder.Id, renewed?.Id);
        if (statusChanged)
        {
            permit.Status = input.Status;
            permit.StatusSeq++;
            permit.StatusChangedAt = now;
        }

        db.ChangeTracker.DetectChanges();
        if (created || db.Entry(permit).State == EntityState.Modified)
        {
            permit.UpdatedAt = now;
        }

        var outcome = new PermitOutcome(permit, created);
        if (expiryChanged)
        {
            // Reminders promised for the old date no longer hold; the daily scan plans new ones.
            permit.ExpiryRemindedDays = null;
            outcome.CancelRemindersOf.Add(permit.Id);
        }

        if (statusChanged && permit.Status is PermitStatus.Revoked or PermitStatus.Rejected)
        {
            outcome.CancelRemindersOf.Add(permit.Id);
        }

        var becameIssued = permit.Status == PermitStatus.Issued && (created || statusChanged);
        if (becameIssued && renewed is not null && renewed.RenewedById is null)
        {
            // The old permit is superseded: no more expiry reminders for it (SPEC §13).
            renewed.RenewedById = permit.Id;
            renewed.UpdatedAt = now;
            outcome.CancelRemindersOf.Add(renewed.Id);
        }

        if (notify)
        {
            AddNotices(db, permit, holder, oldStatus, becameIssued, statusChanged, now);
        }

        if (input.Documents is not null)
        {
            await ApplyDocumentsAsync(db, permit, holder, input.Documents, now, notify, created, ct);
        }

        return outcome;
    }

    private static async Task<(Permit Permit, bool Created)> FindOrAddPermitAsync(KabarDbContext db, PermitInput input, DateTime now,
        CancellationToken ct)
    {
        var permit = db.Permits.Local.FirstOrDefault(p => p.ExternalRef == input.ExternalRef)
            ?? await db.Permits.FirstOrDefaultAsync(p => p.ExternalRef == input.ExternalRef, ct);
        if (permit is not null)
        {
            return (permit, false);
        }

        permit = new Permit
        {
            Id = Guid.CreateVersion7(),
            ExternalRef = input.ExternalRef,
            Status = input.Status,
            StatusChangedAt = now,
            CreatedAt = now,
        };
        db.Permits.Add(permit);

        return (permit, true);
    }

    private static void CopyFields(Permit permit, PermitInput input, Guid holderId, Guid? renewedId)
    {
        permit.PermitNumber = input.PermitNumber ?? permit.PermitNumber;
        permit.PermitType = input.PermitType;
        permit.HolderContactId = holderId;
        permit.RegistrationId = input.RegistrationId ?? permit.RegistrationId;
        permit.IssuedOn = input.IssuedOn ?? permit.IssuedOn;
        permit.ExpiresOn = input.ExpiresOn ?? permit.ExpiresOn;
        permit.RenewalOfId = renewedId ?? permit.RenewalOfId;
        permit.DownloadLink = input.Links?.Download ?? permit.DownloadLink;
        permit.RenewalLink = input.Links?.Renewal ?? permit.RenewalLink;
        permit.DetailLink = input.Links?.Detail ?? permit.DetailLink;
    }

    /// <summary>One message per event: the issue notice says everything a status notice would.</summary>
    private void AddNotices(KabarDbContext db, Permit permit, Contact holder, PermitStatus oldStatus, bool becameIssued, bool statusChanged,
        DateTime now)
    {
        if (becameIssued)
        {
            if (permit.RenewalOfId is not null)
            {
                Add(db, holder, PermitNotices.RenewalApproved, notices.RenewalParams(permit, holder, now), now, permit.Id, $"permit:{permit.Id}:renewal-approved");
            }
            else
            {
                Add(db, holder, PermitNotices.Ready, notices.ReadyParams(permit, holder, now), now, permit.Id, $"permit:{permit.Id}:issued");
            }
        }
        else if (statusChanged)
        {
            Add(db, holder, PermitNotices.StatusUpdate, notices.StatusParams(permit, holder, oldStatus, now), now, permit.Id,
                $"permit:{permit.Id}:status:{permit.StatusSeq}:{EnumTextName(permit.Status)}");
        }
    }

    private async Task ApplyDocumentsAsync(KabarDbContext db, Permit permit, Contact holder, IReadOnlyList<DocumentInput> documents,
        DateTime now, bool notify, bool created, CancellationToken ct)
    {
        var existing = created ? [] : await db.PermitDocuments.Where(d => d.PermitId == permit.Id).ToListAsync(ct);
        var newlyPending = new List<(PermitDocument Doc, Contact Assignee)>();
        var assignees = new Dictionary<Guid, Contact>();
        foreach (var input in documents)
        {
            var assignee = await FindOrAddContactAsync(db, input.Assignee, now, erasures, ct);
            assignees[assignee.Id] = assignee;
            var doc = existing.FirstOrDefault(d => string.Equals(d.Name, input.Name, StringComparison.OrdinalIgnoreCase));
            if (doc is null)
            {
                doc = new PermitDocument
                {
                    Id = Guid.CreateVersion7(),
                    PermitId = permit.Id,
                    Name = input.Name,
                    AssigneeContactId = assignee.Id,
                    Role = input.Role,
                    PendingSince = now,
                    DoneAt = input.Done ? now : null,
                };
                db.PermitDocuments.Add(doc);
                existing.Add(doc);
                if (!input.Done)
                {
                    newlyPending.Add((doc, assignee));
                }

                continue;
            }

            var handedOver = doc.AssigneeContactId != assignee.Id || doc.Role != input.Role;
            doc.AssigneeContactId = assignee.Id;
            doc.Role = input.Role;
            if (input.Done)
            {
                doc.DoneAt ??= now;
            }
            else if (doc.DoneAt is not null || handedOver)
            {
                // Back on someone's desk (sent back, or handed to another person): a new wait starts.
                doc.DoneAt = null;
                doc.PendingSince = now;
                newlyPending.Add((doc, assignee));
            }
        }

        foreach (var gone in existing.Where(d => d.DoneAt is null && !documents.Any(i => string.Equals(i.Name, d.Name, StringComparison.OrdinalIgnoreCase))))
        {
            gone.DoneAt = now;
        }

        if (!notify)
        {
            return;
        }

        foreach (var group in newlyPending.Where(p => p.Doc.Role == AssigneeRole.Staff).GroupBy(p => p.Assignee.Id))
        {
            var staff = assignees[group.Key];
            var first = group.First().Doc;
            var count = existing.Count(d => d.DoneAt is null && d.Role == AssigneeRole.Staff && d.AssigneeContactId == staff.Id);
            Add(db, staff, PermitNotices.DocumentPending, notices.PendingParams(permit, holder, count), now, permit.Id,
                $"permit:{permit.Id}:document:{first.Id}:pending:{new DateTimeOffset(first.PendingSince).ToUnixTimeMilliseconds()}");
        }

        foreach (var (doc, official) in newlyPending.Where(p => p.Doc.Role == AssigneeRole.Official))
        {
            Add(db, official, PermitNotices.ApprovalRequired, notices.ApprovalParams(permit, holder, official), now, permit.Id,
                $"permit:{permit.Id}:document:{doc.Id}:approval:{new DateTimeOffset(doc.PendingSince).ToUnixTimeMilliseconds()}");
        }
    }

    private void Add(KabarDbContext db, Contact contact, string type, Dictionary<string, string> parameters, DateTime now, Guid permitId, string key) =>
        writer.Add(db, contact, PermitNotices.Type(type), parameters, now, new NotificationOrigin(permitId, null, key));

    private static string EnumTextName(PermitStatus status) => Common.EnumText<PermitStatus>.Name(status);

    /// <summary>
    /// Cancels the permits' expiry reminders that have not gone out: scheduled or queued and not
    /// claimed by a dispatcher (a claimed one is already on its way). Called after the permits'
    /// rows are saved, in the same transaction: on PostgreSQL a concurrent expiry scan has then
    /// either committed its reminders (cancelled here) or waits on those rows and finds the
    /// permits no longer due.
    /// </summary>
    public static Task<int> CancelExpiryRemindersAsync(KabarDbContext db, IEnumerable<Guid> permitIds, DateTime now, CancellationToken ct)
    {
        var ids = permitIds.Distinct().ToList();
        return ids.Count == 0 ? Task.FromResult(0) : db.Notifications
            .Where(n => n.PermitId != null && ids.Contains(n.PermitId.Value) && n.Type == PermitNotices.ExpiryWarning
                && (n.State == NotificationState.Scheduled || n.State == NotificationState.Queued) && n.LockedUntil == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NotificationState.Cancelled)
                .SetProperty(n => n.UpdatedAt, now).SetProperty(n => n.Version, n => n.Version + 1), ct);
    }

    /// <summary>Finds a person by phone (else by e-mail) among this unit's new contacts and the database, or adds them.</summary>
    public static async Task<Contact> FindOrAddContactAsync(KabarDbContext db, PersonInput person, DateTime now,
        Privacy.ErasureRegistry erasures, CancellationToken ct)
    {
        Contact? contact;
        if (person.Phone is not null)
        {
            contact = db.Contacts.Local.FirstOrDefault(c => c.Phone == person.Phone)
                ?? await db.Contacts.FirstOrDefaultAsync(c => c.Phone == person.Phone, ct);
        }
        else
        {
            contact = db.Contacts.Local.FirstOrDefault(c => c.Phone is null && c.Email == person.Email)
                ?? await db.Contacts.Where(c => c.Phone == null && c.Email == person.Email).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        }

        if (contact is null)
        {
            contact = new Contact { Id = Guid.CreateVersion7(), Phone = person.Phone, CreatedAt = now, UpdatedAt = now };
            db.Contacts.Add(contact);

            // A number whose owner was erased starts withdrawn (SPEC §11); permit notices, a public task, still go by SMS.
            await erasures.CarryOverAsync(db, contact, now, ct);
        }

        if ((person.Name is not null && person.Name != contact.Name) || (person.Email is not null && person.Email != contact.Email)
            || (person.Language is not null && person.Language != contact.Language))
        {
            contact.Name = person.Name ?? contact.Name;
            contact.Email = person.Email ?? contact.Email;
            contact.Language = person.Language ?? contact.Language;
            contact.UpdatedAt = now;
        }

        return contact;
    }
}
