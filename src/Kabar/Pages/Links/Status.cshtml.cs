using System.Globalization;
using Kabar.Citizens;
using Kabar.Data;
using Kabar.Permits;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Links;

/// <summary>
/// <c>/status/{token}</c>: a citizen's own page for one registration, the "Rincian" link of its
/// acknowledgement. It shows that application's steps only — no name, phone, e-mail or other
/// permits — and reads without writing: link previews fetch it too. Unknown links answer 404 and
/// links past <c>Kabar:Citizens:StatusLinkLifetime</c> 410, each as a page in words.
/// </summary>
[EnableRateLimiting(WebExtensions.LinksPolicy)]
public sealed class StatusModel(StatusLinks links, KabarDbContext db, WorkCalendar calendar, TimeProvider time,
    IOptions<CitizenOptions> options) : CitizenPageModel
{
    public enum Outcome
    {
        Shown,
        Expired,
        Unknown,
    }

    /// <summary>One step of the application, as the citizen reads it.</summary>
    public sealed record ApplicationStep(string Label, string At, bool Current);

    public Outcome Show { get; private set; }

    public string? Reference { get; private set; }

    public string? PermitType { get; private set; }

    public IReadOnlyList<ApplicationStep> Steps { get; private set; } = [];

    /// <summary>What happens next, in words, for the current step.</summary>
    public string? Next { get; private set; }

    public string? OfficeWebsite => options.Value.OfficeWebsite;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        await links.EnsureReadyAsync(ct);
        var registration = links.Read(token) is { } id
            ? await db.Registrations.AsNoTracking().Where(r => r.Id == id)
                .Select(r => new { r.Reference, r.ContactId, r.PermitType, r.CreatedAt }).FirstOrDefaultAsync(ct)
            : null;
        if (registration is null)
        {
            return Answer(Outcome.Unknown, StatusCodes.Status404NotFound);
        }

        if (time.GetUtcNow().UtcDateTime - registration.CreatedAt > options.Value.StatusLinkLifetime)
        {
            Reference = registration.Reference;
            return Answer(Outcome.Expired, StatusCodes.Status410Gone);
        }

        // The permit system's record of this application, when the office linked it by the
        // registration number; only its status is shown, and only when it is the same person's.
        var permit = await db.Permits.AsNoTracking()
            .Where(p => p.RegistrationId == registration.Reference && p.HolderContactId == registration.ContactId)
            .OrderByDescending(p => p.StatusChangedAt)
            .Select(p => new { p.Status, p.StatusChangedAt }).FirstOrDefaultAsync(ct);

        Reference = registration.Reference;
        PermitType = registration.PermitType;
        var steps = new List<ApplicationStep>
        {
            new(L("Diajukan", "Submitted"), Time(registration.CreatedAt), false),
            new(L("Diterima", "Received"), Time(registration.CreatedAt), permit is null || permit.Status == PermitStatus.Submitted),
        };
        if (permit is not null && permit.Status != PermitStatus.Submitted)
        {
            steps.Add(new ApplicationStep(PermitNotices.StatusLabel(permit.Status, Lang), Time(permit.StatusChangedAt), true));
        }

        Steps = steps;
        Next = NextStep(permit?.Status);
        return Answer(Outcome.Shown, StatusCodes.Status200OK);
    }

    private string NextStep(PermitStatus? status) => status switch
    {
        null or PermitStatus.Submitted or PermitStatus.InReview => L(
            "Petugas sedang memeriksa permohonan Anda. Kami mengabari Anda setiap kali statusnya berubah.",
            "Staff are reviewing your application. We tell you whenever its status changes."),
        PermitStatus.NeedsDocuments => L(
            "Petugas membutuhkan dokumen tambahan. Hubungi atau datangi kantor kami dengan membawa nomor pendaftaran ini.",
            "Staff need more documents. Contact or visit our office with this registration number."),
        PermitStatus.Issued => L(
            "Izin Anda sudah terbit. Tautan unduhan dikirim dalam pesan pemberitahuan izin.",
            "Your permit has been issued. The download link came in the permit notice."),
        _ => L(
            "Permohonan ini sudah selesai diproses. Untuk pertanyaan, hubungi kantor kami dengan nomor pendaftaran ini.",
            "This application has been decided. For questions, contact our office with this registration number."),
    };

    private string Time(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, calendar.Zone);
        return local.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture) + " " + PermitNotices.ZoneLabel(calendar.Zone);
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Answer(Outcome outcome, int status)
    {
        Show = outcome;
        Response.StatusCode = status;
        return Page();
    }
}
