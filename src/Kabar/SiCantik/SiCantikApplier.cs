using System.Globalization;
using Kabar.Common;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Notifications;
using Kabar.Permits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.SiCantik;

/// <summary>
/// Reads one application's detail (<c>cekperizinan</c> for an issued permit, <c>permohonan2</c> for
/// one in process) and records applications as permits, a batch at a time, each batch in one
/// transaction: a sync that stops halfway leaves only whole applications behind.
/// </summary>
internal sealed class SiCantikApplier(IServiceScopeFactory scopes, SiCantikClient client, PhoneNormalizer phones,
    IOptions<SiCantikOptions> options)
{
    private SiCantikOptions O => options.Value;

    /// <summary>The application with its detail, or null (the error is in the report) when the detail could not be read.</summary>
    public async Task<SiCantikRead?> ReadAsync(ListedApplication listed, SiCantikApplication? before, SiCantikReport report, CancellationToken ct)
    {
        Dictionary<string, string?>? permit = null;
        if (listed.IsIssued && listed.PermitNumber is { } number)
        {
            var issued = await client.IssuedAsync(number, ct);
            report.DetailRequests++;
            if (issued.Kind is SiCantikAnswerKind.Failed or SiCantikAnswerKind.Refused)
            {
                report.Errors.Add($"Permit {number} ({listed.RegistrationId}): {issued.Problem}");
                return null;
            }

            permit = issued.Rows.Count > 0 ? issued.Rows[0] : null;
        }

        List<Dictionary<string, string?>> steps = [];
        if (permit is null)
        {
            // In process, or issued without a detail SiCantik can show (cekperizinan needs the
            // permit's company): the tracking steps carry the phone.
            var answer = await client.StepsAsync(listed.RegistrationId, ct);
            report.DetailRequests++;
            if (answer.Kind != SiCantikAnswerKind.Rows)
            {
                report.Errors.Add($"Application {listed.RegistrationId}: {answer.Problem ?? "SiCantik has no tracking steps for it."}");
                return null;
            }

            steps = [.. answer.Rows];
        }

        var read = Interpret(listed, before, permit, steps);
        Count(read, report);
        return read;
    }

    private SiCantikRead Interpret(ListedApplication listed, SiCantikApplication? before, Dictionary<string, string?>? permit,
        List<Dictionary<string, string?>> steps)
    {
        var first = permit ?? steps.FirstOrDefault() ?? [];
        var applicant = ListedApplication.Field(first, "n_pemohon") ?? listed.Applicant;
        var phone = TypedPhones.Read(ListedApplication.Field(first, "telp_pemohon"), phones);
        if (listed.IsIssued)
        {
            var issuedOn = Date(permit, "tgl_surat");
            var expiresOn = Date(permit, "d_berlaku_izin");
            return new SiCantikRead(listed, before, applicant, phone, PermitStatus.Issued, null, null, false, issuedOn,
                expiresOn is { } e && issuedOn is { } i && e <= i ? null : expiresOn);
        }

        // The step the application is at carries current = 1; later planned steps follow it.
        var current = steps.LastOrDefault(s => s.GetValueOrDefault("current") == "1") ?? steps.LastOrDefault();
        var stepId = current is null ? null : ListedApplication.Field(current, "trstspermohonan_id");
        var stepName = current is null ? null : ListedApplication.Field(current, "n_sts_permohonan");
        var mapped = stepId is not null && O.StepStatus.TryGetValue(stepId, out var text) && EnumText<PermitStatus>.TryParse(text, out var status)
            ? status : (PermitStatus?)null;
        return new SiCantikRead(listed, before, applicant, phone, mapped ?? PermitStatus.InReview, stepId, stepName,
            stepId is not null && mapped is null, null, null);
    }

    private static void Count(SiCantikRead read, SiCantikReport report)
    {
        if (read.Before is null)
        {
            report.New++;
        }
        else if (read.Before.Fingerprint != read.Listed.Fingerprint)
        {
            report.Changed++;
        }
        else
        {
            report.Refreshed++;
            if (read.Before.StepId != read.StepId || (read.Before.PhoneProblem is null) != (read.Phone.Mobile is not null))
            {
                report.Changed++;
            }
            else
            {
                report.Unchanged++;
            }
        }

        report.ExtraPhones += read.Phone.Others;
    }

    /// <summary>Records the batch in one transaction (retried as a whole when another writer got in first).</summary>
    public async Task SaveAsync(List<SiCantikRead> batch, SiCantikReport report, DateTime now, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var (notices, errors) = await scopes.RunWithRetryAsync(async (sp, token) =>
        {
            var db = sp.GetRequiredService<KabarDbContext>();
            var writer = sp.GetRequiredService<PermitWriter>();
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var ids = batch.Select(r => r.Listed.RegistrationId).ToList();
            var rows = await db.SiCantikApplications.Where(a => ids.Contains(a.RegistrationId)).ToDictionaryAsync(a => a.RegistrationId, token);
            var cancel = new List<Guid>();
            var errors = new List<string>();
            foreach (var read in batch)
            {
                if (!rows.TryGetValue(read.Listed.RegistrationId, out var row))
                {
                    row = new SiCantikApplication { RegistrationId = read.Listed.RegistrationId, FirstSeenAt = now };
                    db.SiCantikApplications.Add(row);
                    rows[row.RegistrationId] = row;
                }

                if (await RecordAsync(db, writer, row, read, report.Backfill, now, cancel, token) is { } error)
                {
                    errors.Add(error);
                }
            }

            var notices = db.ChangeTracker.Entries<Notification>().Count(e => e.State == EntityState.Added);
            await db.SaveChangesAsync(token);
            await PermitWriter.CancelExpiryRemindersAsync(db, cancel, now, token);
            await tx.CommitAsync(token);
            return (notices, errors);
        }, ct);

        report.NoticesCreated += notices;
        report.Errors.AddRange(errors);
    }

    private async Task<string?> RecordAsync(KabarDbContext db, PermitWriter writer, SiCantikApplication row, SiCantikRead read,
        bool backfill, DateTime now, List<Guid> cancel, CancellationToken ct)
    {
        var listed = read.Listed;
        row.List = listed.List;
        row.PermitType = Shorten(listed.PermitType, 200);
        row.PermitNumber = listed.PermitNumber is null ? null : Shorten(listed.PermitNumber, 100);
        row.UpdatedAt = now;
        if (read.Placeholder)
        {
            row.Fingerprint = ""; // read again next sync
            row.Quiet = true;
            row.DetailDueAt = now;
            return null;
        }

        row.StepId = read.StepId;
        row.StepName = read.StepName is null ? null : Shorten(read.StepName, 200);
        row.StepUnmapped = read.StepUnmapped;
        var mobile = read.Phone.Mobile;
        if (mobile is null && row.PermitId is { } known)
        {
            // The number was removed or broken in SiCantik: the permit keeps the holder it has.
            mobile = await db.Permits.Where(p => p.Id == known).Join(db.Contacts, p => p.HolderContactId, c => c.Id, (p, c) => c.Phone)
                .FirstOrDefaultAsync(ct);
        }

        string? error = null;
        if (mobile is null)
        {
            row.PhoneProblem = read.Phone.Problem;
            row.ApplicantName = read.Applicant is null ? null : Shorten(read.Applicant, 200);
        }
        else
        {
            error = await UpsertPermitAsync(db, writer, row, read, mobile, notify: !backfill && !row.Quiet, now, cancel, ct);
            row.PhoneProblem = read.Phone.Mobile is null ? read.Phone.Problem : null;
            row.ApplicantName = row.PhoneProblem is null ? null : row.ApplicantName;
        }

        if (error is null)
        {
            row.Fingerprint = listed.Fingerprint;
            row.Quiet = false;
            row.DetailDueAt = now + Spread(listed.IsIssued ? O.ExpiryRefresh : O.StepRefresh, listed.RegistrationId);
        }

        return error;
    }

    private async Task<string?> UpsertPermitAsync(KabarDbContext db, PermitWriter writer, SiCantikApplication row, SiCantikRead read,
        string mobile, bool notify, DateTime now, List<Guid> cancel, CancellationToken ct)
    {
        var listed = read.Listed;
        var request = new PermitRequest(listed.RegistrationId, listed.PermitNumber, listed.PermitType, EnumText<PermitStatus>.Name(read.Status),
            new PersonRequest(mobile, read.Applicant, null, null), read.IssuedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            read.ExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, listed.RegistrationId, null, null);
        var errors = new FieldErrors();
        var input = PermitValidation.Validate(request, phones, errors);
        if (input is null)
        {
            return $"Application {listed.RegistrationId} was not recorded: "
                + string.Join("; ", errors.Entries.Select(e => $"{e.Field}: {string.Join(" ", e.Messages)}"));
        }

        var outcome = await writer.UpsertAsync(db, input, now, notify, ct);
        if (outcome.Permit is null)
        {
            return $"Application {listed.RegistrationId} was not recorded: {outcome.ErrorField}: {outcome.Error}";
        }

        row.PermitId = outcome.Permit.Id;
        cancel.AddRange(outcome.CancelRemindersOf);
        return null;
    }

    /// <summary>The refresh interval, stretched by up to a quarter by the application's id, so re-reads spread over syncs.</summary>
    private static TimeSpan Spread(TimeSpan every, string id) =>
        every * (1 + (id.Aggregate(17u, (h, c) => unchecked((h * 31) + c)) % 1000 / 4000.0));

    private static DateOnly? Date(Dictionary<string, string?>? row, string field) =>
        row is not null && ListedApplication.Field(row, field) is { } text
        && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];
}
