using System.Globalization;
using Kabar.Admin;
using Kabar.Common;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Kabar.Pages.Admin;

/// <summary>
/// <c>/admin</c>: the dashboard — SPEC §10's figures for a chosen period, each with its daily series,
/// the notifications per day by channel and outcome, and the consent funnel (docs/console.md).
/// </summary>
public sealed class IndexModel(StatsService stats, KabarDbContext db, IOptions<PolicyOptions> policy, IOptions<WhatsAppPriceOptions> prices,
    TimeProvider time) : AdminPageModel
{
    /// <summary>The parts of each day's bar, in stacking order: a channel (null: any) and an outcome.</summary>
    private static readonly (Channel? Channel, DeliveryOutcome Outcome, string Css)[] Parts =
    [
        (Channel.WhatsApp, DeliveryOutcome.Reached, "part-wa-reached"),
        (Channel.WhatsApp, DeliveryOutcome.SentNoReport, "part-wa-no-report"),
        (Channel.Sms, DeliveryOutcome.Reached, "part-sms-reached"),
        (Channel.Sms, DeliveryOutcome.SentNoReport, "part-sms-no-report"),
        (Channel.Email, DeliveryOutcome.Reached, "part-email-reached"),
        (null, DeliveryOutcome.Failed, "part-failed"),
        (null, DeliveryOutcome.Skipped, "part-skipped"),
    ];

    /// <summary>First day of the period (office time zone), inclusive.</summary>
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))]
    public DateOnly? From { get; set; }

    /// <summary>Last day of the period, inclusive.</summary>
    [BindProperty(SupportsGet = true, BinderType = typeof(ConsoleDateBinder))]
    public DateOnly? To { get; set; }

    public Stats Figures { get; private set; } = null!;

    public DashboardFigures Dashboard { get; private set; } = null!;

    public ConsentFunnel Funnel { get; private set; } = null!;

    /// <summary>Rupiah per US dollar (<c>Kabar:WhatsApp:Prices:UsdToIdr</c>).</summary>
    public double UsdToIdr => prices.Value.UsdToIdr;

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
        Dashboard = await stats.ComputeDashboardAsync(start, end, ct);
        Figures = Dashboard.Stats;
        Funnel = await ConsentFunnel.ReadAsync(db, start, end, ct);
    }

    /// <summary>The daily bar's parts, named in the reader's language.</summary>
    public IReadOnlyList<StackedBarChart.Series> VolumeSeries => Parts
        .Select(p => new StackedBarChart.Series(p.Channel is { } c ? $"{Word(c)}: {Word(p.Outcome)}" : Word(p.Outcome), p.Css)).ToList();

    /// <summary>One bar per day of the period, with each part's count.</summary>
    public IReadOnlyList<StackedBarChart.Bar> VolumeBars
    {
        get
        {
            var byDay = Dashboard.Outcomes.ToLookup(o => o.Day);
            return Figures.Days.Select(d => new StackedBarChart.Bar(
                d.Day.ToString("dd-MM", CultureInfo.InvariantCulture),
                d.Day.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture),
                Parts.Select(p => byDay[d.Day].Where(o => o.Outcome == p.Outcome && (p.Channel is null || o.Channel == p.Channel)).Sum(o => o.Count)).ToList()))
                .ToList();
        }
    }

    /// <summary>The period's total of each outcome, for the chart's one-sentence description.</summary>
    public long Total(DeliveryOutcome outcome) => Dashboard.Outcomes.Where(o => o.Outcome == outcome).Sum(o => o.Count);

    /// <summary>The consent funnel's steps, named in the reader's language.</summary>
    public IReadOnlyList<FunnelChart.Stage> FunnelSteps =>
    [
        new(L("Diminta lewat kampanye", "Asked by a campaign"), Funnel.Asked),
        new(L("Membuka tautan", "Opened the link"), Funnel.Opened),
        new(L("Setuju WhatsApp", "Agreed to WhatsApp"), Funnel.OptedIn),
        new(L("Masih setuju sekarang", "Still agreed now"), Funnel.StillOptedIn),
    ];

    /// <summary>A US-dollar amount in rupiah at the configured rate: <c>Rp 1.980</c> (Indonesian grouping), <c>Rp 1,980</c> in English.</summary>
    public string Rupiah(decimal usd)
    {
        var text = Math.Round((double)usd * UsdToIdr, MidpointRounding.AwayFromZero).ToString("#,0", CultureInfo.InvariantCulture);
        return "Rp " + (English ? text : text.Replace(',', '.'));
    }

    public static string Percent(Ratio r) => r.Value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Money(decimal value) => "US$ " + value.ToString("0.00", CultureInfo.InvariantCulture);
}
