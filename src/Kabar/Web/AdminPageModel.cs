using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Kabar.Admin;
using Kabar.Common;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace Kabar.Web;

/// <summary>
/// The base of the console's pages: the language rules of the public pages, who is signed in, and
/// the words and office times every console page shows instead of stored codes and UTC
/// (<see cref="ConsoleLabels"/>, <see cref="OfficeClock"/>).
/// </summary>
public abstract class AdminPageModel : CitizenPageModel
{
    private TimeZoneInfo? zone;

    public string? OperatorEmail => User.FindFirstValue(ClaimTypes.Name);

    public bool CanOperate => User.IsInRole(OperatorRoles.Admin) || User.IsInRole(OperatorRoles.Operator);

    public bool IsAdmin => User.IsInRole(OperatorRoles.Admin);

    /// <summary>The office's time zone (<c>Kabar:Policy:TimeZone</c>).</summary>
    public TimeZoneInfo OfficeZone => zone ??= OfficeClock.Zone(HttpContext.RequestServices.GetRequiredService<IOptions<PolicyOptions>>().Value.TimeZone);

    /// <summary>WIB, WITA, WIT, or the offset.</summary>
    public string ZoneName => OfficeClock.Abbreviation(OfficeZone);

    /// <summary>A time in the office's zone as text: <c>05-12-2026 14:30 WIB</c>.</summary>
    public string Time(DateTime? utc, bool seconds = false) => OfficeClock.Format(utc, OfficeZone, seconds);

    /// <summary>A time in the office's zone, with the UTC instant machine-readable and in its tooltip for auditors.</summary>
    public IHtmlContent When(DateTime? utc, bool seconds = false)
    {
        if (utc is not { } at)
        {
            return new HtmlString("–");
        }

        var iso = DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new HtmlString($"<time datetime=\"{iso}\" title=\"{iso}\">{HtmlEncoder.Default.Encode(Time(at, seconds))}</time>");
    }

    /// <summary>The word for an enum code, in the reader's language.</summary>
    public string Word<T>(T value) where T : struct, Enum => ConsoleLabels.Word(value, English);

    /// <summary>The word for a stored string code of a kind (<see cref="ConsoleLabels"/> constants).</summary>
    public string Word(string kind, string? code) => ConsoleLabels.Word(kind, code, English);

    /// <summary>The word, with the stored code in its tooltip for auditors.</summary>
    public IHtmlContent Label<T>(T value) where T : struct, Enum => Coded(EnumText<T>.Name(value), Word(value));

    /// <summary>The word for a string code, with the code in its tooltip; "–" when there is none.</summary>
    public IHtmlContent Label(string kind, string? code) => string.IsNullOrEmpty(code) ? new HtmlString("–") : Coded(code, Word(kind, code));

    /// <summary>
    /// A count with its noun: Indonesian has no plural form ("1 kontak", "3 kontak"); English does
    /// ("1 contact", "3 contacts").
    /// </summary>
    public string Count(long n, string indonesian, string englishOne, string englishMany) =>
        English ? $"{n.ToString(CultureInfo.InvariantCulture)} {(n == 1 ? englishOne : englishMany)}" : $"{n.ToString(CultureInfo.InvariantCulture)} {indonesian}";

    /// <summary>A WhatsApp error code's meaning, what staff should do, and the code itself in small print.</summary>
    public IHtmlContent ErrorText(int code)
    {
        var (meaning, action) = ErrorMeanings.Describe(code, English);
        return new HtmlString($"{HtmlEncoder.Default.Encode(meaning)} <code class=\"aside\">{code.ToString(CultureInfo.InvariantCulture)}</code>"
            + $" <span class=\"muted\">{HtmlEncoder.Default.Encode(action)}</span>");
    }

    /// <summary>
    /// A date field typed <c>DD-MM-YYYY</c> (bound by <see cref="ConsoleDateBinder"/>), with its hint;
    /// when the typed text is not a date, the text stays in the box and the field says what to write.
    /// <paramref name="name"/> is the bound property's name, which is also its model-state key.
    /// </summary>
    public IHtmlContent DateField(string id, string name, string label, DateOnly? value)
    {
        var e = HtmlEncoder.Default;
        var invalid = Unreadable(name);
        var shown = invalid ? ModelState[name]!.AttemptedValue ?? "" : ConsoleDateBinder.Show(value);
        var hint = L("hari-bulan-tahun, misalnya 06-11-2026", "day-month-year, for example 06-11-2026");
        var error = invalid
            ? $"<span class=\"error\" id=\"{id}-error\">{e.Encode(L($"“{shown}” bukan tanggal. Tulis DD-MM-YYYY, misalnya 06-11-2026.", $"“{shown}” is not a date. Write DD-MM-YYYY, for example 06-11-2026."))}</span>"
            : "";
        return new HtmlString($"<div class=\"field date{(invalid ? " invalid" : "")}\"><label for=\"{id}\">{e.Encode(label)}</label>"
            + $"<span class=\"hint\" id=\"{id}-hint\">{e.Encode(hint)}</span>{error}"
            + $"<input type=\"text\" id=\"{id}\" name=\"{e.Encode(name)}\" value=\"{e.Encode(shown)}\" maxlength=\"10\" autocomplete=\"off\" placeholder=\"DD-MM-YYYY\""
            + $" aria-describedby=\"{id}-hint{(invalid ? $" {id}-error" : "")}\"{(invalid ? " aria-invalid=\"true\"" : "")}></div>");
    }

    /// <summary>Whether a bound field's text could not be read (a date that is not one, say).</summary>
    public bool Unreadable(string name) => ModelState.TryGetValue(name, out var entry) && entry.ValidationState == ModelValidationState.Invalid;

    /// <summary>A same-site path to go back to after signing in; anything else goes to the dashboard.</summary>
    protected string SafeReturn(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/admin", StringComparison.Ordinal) ? returnUrl : "/admin";

    private static HtmlString Coded(string code, string word) =>
        new($"<span title=\"{HtmlEncoder.Default.Encode(code)}\">{HtmlEncoder.Default.Encode(word)}</span>");
}
