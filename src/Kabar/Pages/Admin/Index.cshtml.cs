using System.Globalization;
using Kabar.Admin;
using Kabar.Common;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary><c>/admin</c>: the dashboard — SPEC §10's figures for a chosen period, each with its daily series.</summary>
public sealed class IndexModel(StatsService stats, IOptions<PolicyOptions> policy, TimeProvider time) : AdminPageModel
{
    /// <summary>First day of the period (office time zone), inclusive.</summary>
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))]
    public DateOnly? From { get; set; }

    /// <summary>Last day of the period, inclusive.</summary>
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))]
    public DateOnly? To { get; set; }

    public Stats Figures { get; private set; } = null!;

    public string? PeriodError { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, zone));
        To ??= today;
        From ??= To.Value.AddDays(-29);
        if (From > To || To.Value.DayNumber - From.Value.DayNumber > 366)
        {
            PeriodError = L("Periode tidak valid: tanggal awal harus sebelum tanggal akhir, paling lama 366 hari.",
                "Invalid period: the start must be before the end, at most 366 days.");
            To = today;
            From = today.AddDays(-29);
        }

        var start = TimeZoneInfo.ConvertTimeToUtc(From.Value.ToDateTime(TimeOnly.MinValue), zone);
        var end = TimeZoneInfo.ConvertTimeToUtc(To.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        Figures = await stats.ComputeAsync(start, end, ct);
    }

    public static string Percent(Ratio r) => r.Value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Money(decimal value) => "US$ " + value.ToString("0.00", CultureInfo.InvariantCulture);
}
