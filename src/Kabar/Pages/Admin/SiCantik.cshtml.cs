using Kabar.Admin;
using Kabar.Data;
using Kabar.Jobs;
using Kabar.SiCantik;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/sicantik</c>: the SiCantik connector (docs/sicantik.md) — its last and next sync, the
/// last sync's figures, errors and unmapped steps, the applications without a usable phone for
/// staff to fix in SiCantik, and "sync now" for operators.
/// </summary>
public sealed class SiCantikModel(KabarDbContext db, JobRegistry registry, JobRunner runner, TimeProvider time) : AdminPageModel
{
    public SiCantikOverview Overview { get; private set; } = null!;

    /// <summary>What "sync now" did, shown once after it.</summary>
    [TempData]
    public string? Result { get; set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Overview = await SiCantikOverview.LoadAsync(HttpContext.RequestServices, db, time.GetUtcNow().UtcDateTime, ct);

    public async Task<IActionResult> OnPostSyncAsync(CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        var run = await runner.RunNowAsync(registry.Find(SiCantikOverview.JobName)!, ct);
        Result = run is null
            ? L("Sinkronisasi sedang berjalan di proses lain; coba lagi setelah selesai.", "A sync is running in another process; try again when it has finished.")
            : run.Outcome == "succeeded"
                ? L("Sinkronisasi selesai.", "The sync has finished.")
                : L("Sinkronisasi gagal: ", "The sync failed: ") + run.Detail;
        return RedirectToPage();
    }

    /// <summary>Why a phone cannot be used, in the page's language.</summary>
    public static string? Problem(SiCantikModel page, string? problem) => problem switch
    {
        null => null,
        "no phone number in SiCantik" => page.L("tidak ada nomor telepon di SiCantik", problem),
        "only a landline in SiCantik, no mobile number" => page.L("hanya nomor telepon rumah/kantor, tanpa nomor HP", problem),
        "the phone field in SiCantik is not a phone number" => page.L("isian telepon di SiCantik bukan nomor telepon", problem),
        _ => problem,
    };
}
