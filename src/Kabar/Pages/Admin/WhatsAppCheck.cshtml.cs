using Kabar.Admin;
using Kabar.GoLive;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin/whatsapp/check</c>: the go-live checklist of <c>kabar whatsapp check</c> (docs/going-live.md).
/// Opening the page shows the latest check without asking Meta anything; operators run it again,
/// and an admin may let Kabar subscribe its app to the business account.
/// </summary>
public sealed class WhatsAppCheckModel(LastCheck last, WhatsAppCheck check, ILogger<WhatsAppCheckModel> logger) : AdminPageModel
{
    public CheckReport? Report => last.Report;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken ct)
    {
        if (!CanOperate)
        {
            return Forbid(AdminAuth.Scheme);
        }

        last.Report = await check.RunAsync(fix: false, ct);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostFixAsync(CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminAuth.Scheme);
        }

        logger.LogWarning("Operator {Email} asked Kabar to subscribe its app to the WhatsApp Business Account", OperatorEmail);
        last.Report = await check.RunAsync(fix: true, ct);
        return RedirectToPage();
    }

    /// <summary>What a line is about, in words.</summary>
    public string Label(string item) => item switch
    {
        "settings.access_token" => L("Token akses", "Access token"),
        "settings.waba_id" => L("Akun WhatsApp Business", "WhatsApp Business Account"),
        "settings.app_secret" => L("Rahasia aplikasi", "App secret"),
        "settings.verify_token" => L("Token verifikasi webhook", "Webhook verify token"),
        "settings.public_base_url" => L("Alamat publik Kabar", "Kabar's public address"),
        "webhook.url" => L("Webhook untuk Meta", "Webhook for Meta"),
        "catalog" => L("Katalog templat", "Template catalog"),
        "subscribed_apps" => L("Langganan aplikasi", "App subscription"),
        "templates" => L("Templat", "Templates"),
        _ when item.StartsWith("token", StringComparison.Ordinal) => L("Token akses", "Access token") + item[5..],
        _ when item.StartsWith("number ", StringComparison.Ordinal) => L("Nomor ", "Number ") + item[7..],
        _ when item.StartsWith("template ", StringComparison.Ordinal) => L("Templat ", "Template ") + item[9..],
        _ => item,
    };

    public string State(CheckState state) => state switch
    {
        CheckState.Ok => L("sesuai", "ok"),
        CheckState.Warn => L("perhatikan", "warning"),
        CheckState.Fail => L("perlu diperbaiki", "to fix"),
        _ => L("info", "info"),
    };
}
