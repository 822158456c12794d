using System.Globalization;
using System.Text.Json;
using Kabar.Common;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.Extensions.Options;

namespace Kabar.GoLive;

/// <summary>
/// <c>kabar whatsapp check</c> and the console's go-live page: with the configured credentials,
/// against the Graph API, whether everything Kabar needs to send on WhatsApp is in place, one
/// <see cref="CheckItem"/> per thing, each failure saying how to fix it. With <c>fix</c> it
/// subscribes the app to the business account, the one repair Kabar may make on its own.
/// </summary>
public sealed class WhatsAppCheck(GraphManagementClient graph, IOptions<WhatsAppOptions> whatsApp, IOptions<KabarOptions> kabar,
    TemplateCatalog catalog, TimeProvider time)
{
    /// <summary>The webhook fields Kabar reads: tick them in the App Dashboard.</summary>
    public static readonly IReadOnlyList<string> WebhookFields =
        ["messages", "message_template_status_update", "message_template_quality_update", "template_category_update", "user_preferences"];

    private const string NumberFields = "id,display_phone_number,verified_name,name_status,code_verification_status,quality_rating,status,"
        + "platform_type,throughput,whatsapp_business_manager_messaging_limit";

    /// <summary>Meta's tiers, as recipients per 24 h (unlimited as the largest number).</summary>
    private static readonly Dictionary<string, long> Tiers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TIER_50"] = 50,
        ["TIER_250"] = 250,
        ["TIER_1K"] = 1000,
        ["TIER_2K"] = 2000,
        ["TIER_10K"] = 10000,
        ["TIER_100K"] = 100000,
        ["TIER_UNLIMITED"] = long.MaxValue,
    };

    /// <summary>The values <c>Kabar:WhatsApp:MessagingLimit</c> accepts, smallest first.</summary>
    private static readonly (long Recipients, string Setting)[] Settable =
        [(250, "250"), (2000, "2000"), (10000, "10000"), (100000, "100000"), (long.MaxValue, "unlimited")];

    private WhatsAppOptions O => whatsApp.Value;

    public static string WebhookUrl(string publicBaseUrl) => $"{publicBaseUrl.TrimEnd('/')}/webhooks/whatsapp";

    public async Task<CheckReport> RunAsync(bool fix, CancellationToken ct)
    {
        var items = new List<CheckItem>();
        Settings(items);
        Catalog(items);
        var wabaReachable = await TokenAsync(items, ct);
        foreach (var number in O.EffectiveNumbers)
        {
            items.Add(await NumberAsync(number, ct));
        }

        if (wabaReachable)
        {
            items.Add(await SubscribedAppsAsync(fix, ct));
            items.AddRange(await TemplatesAsync(ct));
        }
        else
        {
            items.Add(new CheckItem("subscribed_apps", CheckState.Fail,
                T("tidak diperiksa: akun bisnis tidak terbaca dengan token ini", "not checked: the business account cannot be read with this token"),
                T("perbaiki baris token di atas, lalu jalankan pemeriksaan lagi", "fix the token line above, then run the check again")));
            items.Add(new CheckItem("templates", CheckState.Fail,
                T("tidak diperiksa: akun bisnis tidak terbaca dengan token ini", "not checked: the business account cannot be read with this token"),
                T("perbaiki baris token di atas, lalu jalankan pemeriksaan lagi", "fix the token line above, then run the check again")));
        }

        return new CheckReport(items, time.GetUtcNow());
    }

    private void Settings(List<CheckItem> items)
    {
        if (O.SandboxMode)
        {
            items.Add(new CheckItem("settings.access_token", CheckState.Fail,
                T("tidak ada nomor dengan token akses: Kabar berjalan dalam mode sandbox dan mengirim ke simulatornya sendiri",
                    "no number has an access token: Kabar runs in sandbox mode and sends to its own simulator"),
                T("isi Kabar__WhatsApp__Numbers__0__PhoneNumberId dan Kabar__WhatsApp__Numbers__0__AccessToken (token permanen pengguna sistem)",
                    "set Kabar__WhatsApp__Numbers__0__PhoneNumberId and Kabar__WhatsApp__Numbers__0__AccessToken (a system user's permanent token)")));
        }

        items.Add(string.IsNullOrWhiteSpace(O.WabaId)
            ? new CheckItem("settings.waba_id", CheckState.Fail, T("Kabar:WhatsApp:WabaId belum diisi", "Kabar:WhatsApp:WabaId is not set"),
                T("isi Kabar__WhatsApp__WabaId dengan ID Akun WhatsApp Business (WhatsApp Manager, Ikhtisar akun)",
                    "set Kabar__WhatsApp__WabaId to the WhatsApp Business Account id (WhatsApp Manager, Account overview)"))
            : new CheckItem("settings.waba_id", CheckState.Ok, T($"akun bisnis {O.WabaId}", $"business account {O.WabaId}")));

        items.Add(string.IsNullOrWhiteSpace(O.AppSecret)
            ? new CheckItem("settings.app_secret", CheckState.Fail,
                T("rahasia aplikasi belum diisi: Kabar menolak setiap webhook yang tidak bisa diverifikasi", "the app secret is not set: Kabar refuses every webhook it cannot verify"),
                T("salin Rahasia Aplikasi dari App Dashboard (Pengaturan aplikasi, Dasar) ke Kabar__WhatsApp__AppSecret",
                    "copy the App Secret from the App Dashboard (App settings, Basic) into Kabar__WhatsApp__AppSecret"))
            : new CheckItem("settings.app_secret", CheckState.Ok, T("diisi (tidak ditampilkan)", "set (not shown)")));

        items.Add(string.IsNullOrWhiteSpace(O.VerifyToken)
            ? new CheckItem("settings.verify_token", CheckState.Fail, T("token verifikasi webhook belum diisi", "the webhook verify token is not set"),
                T("buat dengan `openssl rand -hex 32`, isi Kabar__WhatsApp__VerifyToken, dan ketik nilai yang sama di App Dashboard (WhatsApp, Konfigurasi, Webhook)",
                    "make one with `openssl rand -hex 32`, set Kabar__WhatsApp__VerifyToken, and enter the same value in the App Dashboard (WhatsApp, Configuration, Webhook)"))
            : O.VerifyToken.Length < 16
                ? new CheckItem("settings.verify_token", CheckState.Warn, T("diisi, tetapi pendek dan mudah ditebak", "set, but short and easy to guess"),
                    T("gunakan `openssl rand -hex 32`", "use `openssl rand -hex 32`"))
                : new CheckItem("settings.verify_token", CheckState.Ok, T("diisi (tidak ditampilkan)", "set (not shown)")));

        var baseUrl = kabar.Value.PublicBaseUrl;
        var https = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
        var local = uri is not null && (uri.IsLoopback || uri.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase));
        items.Add(!https || local
            ? new CheckItem("settings.public_base_url", CheckState.Fail,
                T($"{baseUrl} bukan alamat https:// yang dapat dijangkau Meta dan warga", $"{baseUrl} is not an https:// address Meta and citizens can reach"),
                T("isi Kabar__PublicBaseUrl dengan alamat https:// kantor di depan proxy TLS (docs/deploying.md)",
                    "set Kabar__PublicBaseUrl to the office's https:// address in front of the TLS proxy (docs/deploying.md)"))
            : new CheckItem("settings.public_base_url", CheckState.Ok, T(baseUrl, baseUrl)));

        var webhook = WebhookUrl(baseUrl);
        var fields = string.Join(", ", WebhookFields);
        items.Add(new CheckItem("webhook.url", CheckState.Info,
            T($"URL panggilan balik untuk Meta: {webhook}; centang bidang webhook: {fields}", $"callback URL to give Meta: {webhook}; subscribe the fields: {fields}")));
    }

    private void Catalog(List<CheckItem> items)
    {
        if (catalog.Problems.Count == 0)
        {
            var count = catalog.Templates.Sum(t => t.Languages.Count);
            items.Add(new CheckItem("catalog", CheckState.Ok,
                T($"{catalog.Templates.Count} jenis, {count} templat, sesuai aturan Meta ({catalog.Path})",
                    $"{catalog.Templates.Count} types, {count} templates, within Meta's rules ({catalog.Path})")));
            return;
        }

        foreach (var problem in catalog.Problems)
        {
            items.Add(new CheckItem("catalog", CheckState.Fail, T(problem, problem),
                T($"perbaiki {catalog.Path} lalu mulai ulang Kabar", $"correct {catalog.Path} and restart Kabar")));
        }
    }

    private async Task<bool> TokenAsync(List<CheckItem> items, CancellationToken ct)
    {
        var waba = O.EffectiveWabaId;
        var tokens = O.EffectiveNumbers.Select(n => n.AccessToken).Distinct(StringComparer.Ordinal).ToList();
        var reachable = true;
        for (var i = 0; i < tokens.Count; i++)
        {
            var answer = await graph.GetAsync($"{Uri.EscapeDataString(waba)}?fields=id,name,currency,timezone_id,message_template_namespace",
                tokens[i], ct);
            var item = tokens.Count == 1 ? "token" : $"token {i + 1}";
            if (answer.Error is { } error)
            {
                reachable = false;
                items.Add(new CheckItem(item, CheckState.Fail, T($"akun bisnis {waba}: {error}", $"business account {waba}: {error}"), FixFor(error, waba)));
                continue;
            }

            var name = JsonText.StringOf(answer.Body, "name") ?? "?";
            items.Add(new CheckItem(item, CheckState.Ok,
                T($"berlaku untuk akun bisnis {waba} ({name})", $"works for business account {waba} ({name})")));
        }

        return reachable;
    }

    private async Task<CheckItem> NumberAsync(WhatsAppNumberOptions number, CancellationToken ct)
    {
        var item = $"number {number.PhoneNumberId}";
        var answer = await graph.GetAsync($"{Uri.EscapeDataString(number.PhoneNumberId)}?fields={NumberFields}", number.AccessToken, ct);
        if (answer.Error is { } error)
        {
            return new CheckItem(item, CheckState.Fail, T(error.ToString(), error.ToString()), FixFor(error, number.PhoneNumberId));
        }

        var b = answer.Body;
        string F(string name) => JsonText.StringOf(b, name) ?? "–";
        var tier = F("whatsapp_business_manager_messaging_limit");
        var detail = $"{F("display_phone_number")} \"{F("verified_name")}\" · name {F("name_status")} · {F("code_verification_status")} · "
            + $"{F("status")} · {F("platform_type")} · quality {F("quality_rating")} · limit {tier}";
        var (fails, warns) = NumberProblems(number, F);
        var state = fails.Count > 0 ? CheckState.Fail : warns.Count > 0 ? CheckState.Warn : CheckState.Ok;
        var fixes = fails.Concat(warns).ToList();
        return new CheckItem(item, state, T(detail, detail), fixes.Count == 0 ? null : Join(fixes));
    }

    /// <summary>What keeps a number from sending (fails) and what deserves attention (warnings), from its fields.</summary>
    private (List<LocalizedText> Fails, List<LocalizedText> Warns) NumberProblems(WhatsAppNumberOptions number, Func<string, string> field)
    {
        var fails = new List<LocalizedText>();
        var warns = new List<LocalizedText>();
        var tier = field("whatsapp_business_manager_messaging_limit");
        // A registered, connected number's verification often reads EXPIRED: the code only matters
        // for registering it, so only a number that is not sending is sent back to verify it.
        var sending = field("status") == "CONNECTED" && field("platform_type") == "CLOUD_API";
        switch (field("code_verification_status"))
        {
            case "VERIFIED":
                break;
            case not "NOT_VERIFIED" when sending:
                break;
            default:
                fails.Add(T("verifikasi nomor dengan kode SMS/telepon di WhatsApp Manager (Nomor telepon)",
                    "verify the number with the SMS/voice code in WhatsApp Manager (Phone numbers)"));
                break;
        }

        switch (field("name_status"))
        {
            case "APPROVED" or "AVAILABLE_WITHOUT_REVIEW":
                break;
            case "PENDING_REVIEW":
                warns.Add(T("nama tampilan masih ditinjau Meta; pesan terkirim, tetapi warga melihat nomornya saja",
                    "Meta is still reviewing the display name; messages go out, but citizens see only the number"));
                break;
            default:
                fails.Add(T($"nama tampilan {field("name_status")}: ajukan nama yang sesuai nama kantor di WhatsApp Manager (Nomor telepon, Profil)",
                    $"display name {field("name_status")}: submit a name matching the office's name in WhatsApp Manager (Phone numbers, Profile)"));
                break;
        }

        switch (field("platform_type"))
        {
            case "CLOUD_API":
                break;
            case "ON_PREMISE":
                fails.Add(T("nomor ini terdaftar di On-Premises API; pindahkan ke Cloud API", "the number is on the On-Premises API; migrate it to the Cloud API"));
                break;
            default:
                fails.Add(T($"nomor belum terdaftar untuk Cloud API: POST /{number.PhoneNumberId}/register dengan PIN dua langkah (docs/going-live.md)",
                    $"the number is not registered for the Cloud API: POST /{number.PhoneNumberId}/register with the two-step PIN (docs/going-live.md)"));
                break;
        }

        switch (field("status"))
        {
            case "CONNECTED":
                break;
            case "FLAGGED":
                warns.Add(T("Meta menandai kualitas nomor rendah; batas pesan bisa turun", "Meta flagged the number's quality; its messaging limit may drop"));
                break;
            default:
                fails.Add(T($"status nomor {field("status")}: lihat penyebabnya di WhatsApp Manager (Nomor telepon)",
                    $"the number's status is {field("status")}: see why in WhatsApp Manager (Phone numbers)"));
                break;
        }

        if (field("quality_rating") is "RED" or "YELLOW")
        {
            warns.Add(T($"kualitas {field("quality_rating")}: kurangi pesan yang tidak diharapkan warga", $"quality {field("quality_rating")}: send fewer messages citizens did not expect"));
        }

        if (Tiers.TryGetValue(tier, out var allowed))
        {
            warns.AddRange(LimitAdvice(allowed, tier));
        }

        if (number.DisplayPhoneNumber is { Length: > 0 } configured && Digits(configured) != Digits(field("display_phone_number")))
        {
            warns.Add(T($"Kabar__WhatsApp__Numbers…DisplayPhoneNumber ({configured}) bukan nomor ini", $"the configured DisplayPhoneNumber ({configured}) is not this number"));
        }

        return (fails, warns);
    }

    /// <summary>When Kabar's messaging limit is not Meta's: the setting to use, or why none fits.</summary>
    private IEnumerable<LocalizedText> LimitAdvice(long allowed, string tier)
    {
        var fit = Settable.LastOrDefault(s => s.Recipients <= allowed);
        if (fit.Setting is null)
        {
            yield return T($"Meta mengizinkan {tier}, di bawah batas terkecil Kabar (250): kirim ke sedikit orang dulu sampai Meta menaikkannya",
                $"Meta allows {tier}, below Kabar's smallest limit (250): send to few people until Meta raises it");
        }
        else if (fit.Setting != O.MessagingLimit)
        {
            yield return T($"Meta mengizinkan {tier}, Kabar diatur {O.MessagingLimit}: isi Kabar__WhatsApp__MessagingLimit={fit.Setting}",
                $"Meta allows {tier}, Kabar is set to {O.MessagingLimit}: set Kabar__WhatsApp__MessagingLimit={fit.Setting}");
        }
    }

    private async Task<CheckItem> SubscribedAppsAsync(bool fix, CancellationToken ct)
    {
        var path = $"{Uri.EscapeDataString(O.EffectiveWabaId)}/subscribed_apps";
        var (apps, error) = await graph.GetAllAsync(path, ct);
        if (error is not null)
        {
            return new CheckItem("subscribed_apps", CheckState.Fail, T(error.ToString(), error.ToString()), FixFor(error, O.EffectiveWabaId));
        }

        var fixedNow = false;
        if (!Subscribed(apps) && fix)
        {
            var posted = await graph.PostAsync(path, null, null, ct);
            if (posted.Error is { } postError)
            {
                return new CheckItem("subscribed_apps", CheckState.Fail,
                    T($"gagal berlangganan: {postError}", $"subscribing failed: {postError}"), FixFor(postError, O.EffectiveWabaId));
            }

            (apps, error) = await graph.GetAllAsync(path, ct);
            fixedNow = error is null;
        }

        var names = string.Join(", ", apps.Select(a => a.TryGetProperty("whatsapp_business_api_data", out var d)
            ? $"{JsonText.StringOf(d, "name") ?? "?"} ({JsonText.StringOrNumberOf(d, "id") ?? "?"})" : "?"));
        if (!Subscribed(apps))
        {
            return new CheckItem("subscribed_apps", CheckState.Fail,
                apps.Count == 0
                    ? T("tidak ada aplikasi yang berlangganan akun bisnis: Meta tidak mengirim webhook ke Kabar", "no app is subscribed to the business account: Meta sends Kabar no webhooks")
                    : T($"aplikasi Kabar ({O.AppId}) tidak berlangganan; yang berlangganan: {names}", $"Kabar's app ({O.AppId}) is not subscribed; subscribed: {names}"),
                T("jalankan `kabar whatsapp check --fix` (POST /{waba-id}/subscribed_apps)", "run `kabar whatsapp check --fix` (POST /{waba-id}/subscribed_apps)"));
        }

        return new CheckItem("subscribed_apps", CheckState.Ok,
            fixedNow ? T($"kini berlangganan: {names}", $"subscribed now: {names}") : T($"berlangganan: {names}", $"subscribed: {names}"));
    }

    private bool Subscribed(List<JsonElement> apps) => string.IsNullOrWhiteSpace(O.AppId)
        ? apps.Count > 0
        : apps.Any(a => a.TryGetProperty("whatsapp_business_api_data", out var d) && JsonText.StringOrNumberOf(d, "id") == O.AppId);

    private async Task<IEnumerable<CheckItem>> TemplatesAsync(CancellationToken ct)
    {
        var (found, error) = await graph.GetAllAsync(
            $"{Uri.EscapeDataString(O.EffectiveWabaId)}/message_templates?fields={MetaTemplate.Fields}&limit=100", ct);
        if (error is not null)
        {
            return [new CheckItem("templates", CheckState.Fail, T(error.ToString(), error.ToString()), FixFor(error, O.EffectiveWabaId))];
        }

        var remote = found.Select(MetaTemplate.Read).GroupBy(t => (t.Name, t.Language)).ToDictionary(g => g.Key, g => g.First());
        var items = new List<CheckItem>();
        foreach (var template in catalog.Templates)
        {
            var type = NotificationCatalog.Find(template.Type)!;
            foreach (var (language, text) in template.Languages)
            {
                items.Add(TemplateItem(template, type, language, text, remote.GetValueOrDefault((template.Name, language))));
            }
        }

        return items;
    }

    private static CheckItem TemplateItem(CatalogTemplate template, NotificationType type, string language, CatalogText text, MetaTemplate? meta)
    {
        var item = $"template {template.Name} ({language})";
        if (meta is null)
        {
            return new CheckItem(item, CheckState.Fail, T("belum ada di Meta", "not at Meta"),
                T($"jalankan `kabar whatsapp templates submit --type {template.Type}`", $"run `kabar whatsapp templates submit --type {template.Type}`"));
        }

        var problems = new List<LocalizedText>();
        var warnings = new List<LocalizedText>();
        switch (meta.Status)
        {
            case "APPROVED":
                break;
            case "PENDING" or "IN_APPEAL":
                problems.Add(T("menunggu tinjauan Meta (beberapa menit sampai 24 jam); status baru tiba lewat webhook", "waiting for Meta's review (minutes up to 24 h); the new status arrives by webhook"));
                break;
            case "REJECTED":
                problems.Add(T($"ditolak Meta ({meta.RejectedReason ?? "tanpa alasan"}): perbaiki teks di katalog, hapus templat di WhatsApp Manager, lalu ajukan lagi",
                    $"rejected by Meta ({meta.RejectedReason ?? "no reason given"}): correct the catalog text, delete the template in WhatsApp Manager, then submit again"));
                break;
            case "PAUSED":
                problems.Add(T("dijeda Meta karena kualitas rendah: perbaiki isinya di WhatsApp Manager", "paused by Meta for low quality: improve it in WhatsApp Manager"));
                break;
            default:
                problems.Add(T($"status {meta.Status}: lihat WhatsApp Manager (Templat pesan)", $"status {meta.Status}: see WhatsApp Manager (Message templates)"));
                break;
        }

        if (!string.Equals(meta.Category, template.Category, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(T($"Meta menggolongkannya {meta.Category}, Kabar mengirimnya sebagai {template.Category}: harga dan aturan persetujuan berbeda",
                $"Meta has it as {meta.Category}, Kabar sends it as {template.Category}: its price and consent rules differ"));
        }

        var expected = template.Named ? type.Parameters : [.. Enumerable.Range(1, type.Parameters.Count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        var actual = meta.Parameters;
        if (template.Named ? !actual.OrderBy(p => p, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(p => p, StringComparer.Ordinal), StringComparer.Ordinal)
            : actual.Count != expected.Count)
        {
            problems.Add(T($"badan templat di Meta memuat {actual.Count} parameter ({string.Join(", ", actual)}), Kabar mengirim {expected.Count}: {string.Join(", ", type.Parameters)}",
                $"Meta's body takes {actual.Count} parameter(s) ({string.Join(", ", actual)}), Kabar sends {expected.Count}: {string.Join(", ", type.Parameters)}"));
        }

        if (meta.Quality is "RED")
        {
            warnings.Add(T("kualitas RED: Meta dapat menjedanya; perbaiki isinya", "quality RED: Meta may pause it; improve it"));
        }

        if (problems.Count == 0 && meta.Body is not null && meta.Body != text.Body)
        {
            warnings.Add(T("teks di Meta berbeda dari katalog; Meta mengirim teksnya sendiri (lihat `kabar whatsapp templates submit`)",
                "Meta's text differs from the catalog; Meta sends its own (see `kabar whatsapp templates submit`)"));
        }

        var state = problems.Count > 0 ? CheckState.Fail : warnings.Count > 0 ? CheckState.Warn : CheckState.Ok;
        var detail = $"{meta.Status} · {meta.Category} · {actual.Count} parameter · {(meta.Quality ?? "UNKNOWN")}";
        var fixes = problems.Concat(warnings).ToList();
        return new CheckItem(item, state, T(detail, detail.Replace(" parameter ", " parameter(s) ", StringComparison.Ordinal)),
            fixes.Count == 0 ? null : Join(fixes));
    }

    /// <summary>What to do about Meta's common answers to these calls.</summary>
    internal static LocalizedText FixFor(GraphFailure error, string id) => error switch
    {
        _ when error.Throttled || (error.Code is null && error.Message.StartsWith("not asked", StringComparison.Ordinal)) =>
            T("batas panggilan Meta tercapai: tunggu sesuai waktu di atas, lalu periksa lagi", "Meta's call limit is reached: wait the time above, then check again"),
        { Code: 190 } => T("token tidak berlaku atau kedaluwarsa: buat token permanen pengguna sistem (Pengaturan Bisnis, Pengguna sistem) dan isi Kabar__WhatsApp__Numbers__N__AccessToken",
            "the token is invalid or expired: generate a system user's permanent token (Business settings, System users) and set Kabar__WhatsApp__Numbers__N__AccessToken"),
        { Code: 10 or 200 or 3 } => T("token tidak punya izin whatsapp_business_management dan whatsapp_business_messaging: buat ulang token dengan kedua izin itu",
            "the token lacks the whatsapp_business_management and whatsapp_business_messaging permissions: generate it again with both"),
        { Code: 100, Subcode: 33 } => T($"{id} tidak ada atau token tidak punya akses: periksa ID-nya dan tetapkan aset itu ke pengguna sistem (Pengaturan Bisnis, Pengguna sistem, Tetapkan aset)",
            $"{id} does not exist or the token has no access to it: check the id and assign the asset to the system user (Business settings, System users, Assign assets)"),
        { Code: null } => T($"pastikan Kabar dapat menjangkau Graph API (Kabar__WhatsApp__GraphApiBaseUrl, proxy keluar, DNS)",
            "make sure Kabar can reach the Graph API (Kabar__WhatsApp__GraphApiBaseUrl, outbound proxy, DNS)"),
        _ => T($"lihat arti kode {error.Code} di docs/going-live.md", $"see what code {error.Code} means in docs/going-live.md"),
    };

    private static LocalizedText Join(List<LocalizedText> texts) =>
        T(string.Join("; ", texts.Select(t => t.Id)), string.Join("; ", texts.Select(t => t.En)));

    private static LocalizedText T(string id, string en) => new(id, en);

    private static string Digits(string s) => new([.. s.Where(char.IsAsciiDigit)]);
}
