using Kabar.Common;
using Kabar.Consent;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Notifications;
using Kabar.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Admin;

/// <summary>A ratio with its parts, so every figure can be checked by hand.</summary>
/// <param name="Numerator">The count that meets the figure's condition.</param>
/// <param name="Denominator">The count it is a share of.</param>
public sealed record Ratio(long Numerator, long Denominator)
{
    /// <summary>numerator / denominator, a fraction (0.25 is 25 %); null when the denominator is 0.</summary>
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;
}

/// <summary>One day (in the office's time zone) of the figures that have a daily series.</summary>
/// <param name="Day">The day, <c>YYYY-MM-DD</c> in the office's time zone.</param>
/// <param name="WindowUsage">WhatsApp sends made while the customer service window was open / all WhatsApp sends that day.</param>
/// <param name="FallbackRate">Notifications that went by SMS or e-mail / notifications processed that day.</param>
/// <param name="WhatsAppDelivery">WhatsApp sends delivered or read / WhatsApp sends the provider accepted.</param>
/// <param name="EndToEndDelivery">Notifications delivered on some channel / notifications processed.</param>
/// <param name="OptIns">WhatsApp consents granted that day.</param>
/// <param name="OptOuts">WhatsApp consents withdrawn that day.</param>
/// <param name="EstimatedCost">Estimated WhatsApp cost of that day's billable sends, in US$ (Kabar:WhatsApp:Prices).</param>
public sealed record DayFigures(DateOnly Day, Ratio WindowUsage, Ratio FallbackRate, Ratio WhatsAppDelivery, Ratio EndToEndDelivery,
    long OptIns, long OptOuts, decimal EstimatedCost);

/// <summary>How often one provider error code ended an attempt in the period.</summary>
/// <param name="Code">The provider's error code (WhatsApp's <c>code</c>, e.g. 131026).</param>
/// <param name="Meaning">What the code means, in words.</param>
/// <param name="Attempts">Attempts that failed with it.</param>
public sealed record FailureCount(int Code, string Meaning, long Attempts);

/// <summary>WhatsApp consents granted in the period from one source (the consent funnel).</summary>
/// <param name="Source">The consent source: <c>registration_form</c>, <c>api</c>, <c>opt_in_link</c>, <c>inbound_keyword</c>, <c>import</c>, <c>admin</c>…</param>
/// <param name="Grants">Consents granted from it.</param>
public sealed record SourceCount(string Source, long Grants);

/// <summary>One business number's use of WhatsApp's messaging limit (unique people reached outside the window per 24 h).</summary>
/// <param name="PhoneNumberId">Meta's id of the business number.</param>
/// <param name="DisplayPhoneNumber">The number as people see it, when configured.</param>
/// <param name="Limit">The number's tier (Kabar:WhatsApp:MessagingLimit) as people per 24 h; null when unlimited or unknown.</param>
/// <param name="ReachedLast24h">Distinct people reached by limit-counting sends in the last 24 hours.</param>
public sealed record NumberUse(string PhoneNumberId, string? DisplayPhoneNumber, int? Limit, long ReachedLast24h);

/// <summary>Notifications of one office day that ended on one channel with one outcome (the dashboard's daily bar).</summary>
public sealed record OutcomeCount(DateOnly Day, Channel Channel, DeliveryOutcome Outcome, long Count);

/// <summary>The dashboard: SPEC §10's figures and, for its charts, each day's notifications by channel and outcome.</summary>
public sealed record DashboardFigures(Stats Stats, IReadOnlyList<OutcomeCount> Outcomes)
{
    /// <summary>Processed notifications on WhatsApp or SMS that the provider took but never confirmed (see <see cref="DeliveryOutcome.SentNoReport"/>).</summary>
    public long SentNoReport => Outcomes.Where(o => o.Outcome == DeliveryOutcome.SentNoReport).Sum(o => o.Count);
}

/// <summary>The notification queue now.</summary>
/// <param name="Queued">Notifications waiting to be sent.</param>
/// <param name="Scheduled">Notifications held for later (quiet hours, a retry, a due time).</param>
/// <param name="Sending">Notifications being sent now.</param>
/// <param name="OldestQueuedSeconds">How long the oldest due notification has waited, in seconds; null when none waits.</param>
public sealed record QueueFigures(long Queued, long Scheduled, long Sending, double? OldestQueuedSeconds);

/// <summary>The dashboard and <c>GET /api/stats</c> (SPEC §10), for <c>[from, to)</c>.</summary>
/// <param name="From">The period's start, ISO 8601 UTC (inclusive).</param>
/// <param name="To">The period's end, ISO 8601 UTC (exclusive).</param>
/// <param name="TimeZone">The office's time zone (IANA, e.g. <c>Asia/Jakarta</c>), which sets the days.</param>
/// <param name="OptInRate">Contacts with WhatsApp consent granted / all contacts not erased, now.</param>
/// <param name="OptOutRate">Contacts with WhatsApp consent withdrawn / all contacts not erased, now.</param>
/// <param name="WindowUsage">WhatsApp sends made while the customer service window was open / all WhatsApp sends.</param>
/// <param name="WindowOnlyShare">WhatsApp sends allowed only by the open window (reason <c>service_window</c>) / all WhatsApp sends.</param>
/// <param name="FallbackRate">Notifications that went by SMS or e-mail / notifications processed (campaign opt-in requests not counted).</param>
/// <param name="WhatsAppDelivery">WhatsApp sends delivered or read / WhatsApp sends the provider accepted.</param>
/// <param name="EndToEndDelivery">Notifications delivered on some channel / notifications processed.</param>
/// <param name="EstimatedCost">Estimated WhatsApp cost of the period's billable sends, in US$ (Kabar:WhatsApp:Prices).</param>
/// <param name="ConsentFunnel">WhatsApp consents granted in the period, per source, most first.</param>
/// <param name="Failures">Provider error codes that ended attempts in the period, most frequent first.</param>
/// <param name="Queue">The notification queue now.</param>
/// <param name="MessagingLimit">Each business number's use of WhatsApp's messaging limit now.</param>
/// <param name="Days">The daily series, one entry per office day of the period.</param>
public sealed record Stats(
    DateTime From,
    DateTime To,
    string TimeZone,
    Ratio OptInRate,
    Ratio OptOutRate,
    Ratio WindowUsage,
    Ratio WindowOnlyShare,
    Ratio FallbackRate,
    Ratio WhatsAppDelivery,
    Ratio EndToEndDelivery,
    decimal EstimatedCost,
    IReadOnlyList<SourceCount> ConsentFunnel,
    IReadOnlyList<FailureCount> Failures,
    QueueFigures Queue,
    IReadOnlyList<NumberUse> MessagingLimit,
    IReadOnlyList<DayFigures> Days);

/// <summary>
/// Computes SPEC §10's figures with set-based queries (grouped counts, never a row per message):
/// <list type="bullet">
/// <item>opt-in rate: contacts whose <c>whatsapp</c> state is granted / all contacts (now);
/// opt-out rate likewise with withdrawn;</item>
/// <item>window usage: WhatsApp sends (attempts the provider accepted) made while the window was
/// open / all WhatsApp sends; window-only share: those whose decision reason was
/// <c>service_window</c> / all WhatsApp sends;</item>
/// <item>fallback rate: notifications that went to the person by SMS or e-mail (the provider took
/// them: many SMS gateways send no delivery reports, so "reached" here cannot wait for one) /
/// notifications processed (sent, delivered, read or failed — not skipped, cancelled or still
/// waiting). A campaign's opt-in request is counted in neither: it goes by SMS or e-mail by
/// design, it does not stand in for a WhatsApp message that failed or was not allowed;</item>
/// <item>delivery rate: WhatsApp attempts delivered or read / WhatsApp attempts accepted; end to
/// end: notifications delivered on some channel (WhatsApp or SMS delivered or read; e-mail
/// accepted by the mail server, which is all e-mail tells) / notifications processed;</item>
/// <item>estimated cost: accepted billable WhatsApp attempts × the configured price of their category.</item>
/// </list>
/// Sends and notifications belong to the period by their creation time.
/// </summary>
public sealed class StatsService(KabarDbContext db, IOptions<PolicyOptions> policy, IOptions<WhatsAppOptions> whatsApp,
    IOptions<WhatsAppPriceOptions> prices, TimeProvider time)
{
    private static readonly AttemptStatus[] Accepted = [AttemptStatus.Accepted, AttemptStatus.Sent, AttemptStatus.Delivered, AttemptStatus.Read];
    private static readonly NotificationState[] Processed =
        [NotificationState.Sent, NotificationState.Delivered, NotificationState.Read, NotificationState.Failed];

    public async Task<Stats> ComputeAsync(DateTime from, DateTime to, CancellationToken ct) => (await ComputeDashboardAsync(from, to, ct)).Stats;

    /// <summary>SPEC §10's figures with each day's notifications by channel and outcome, from one read of the counts.</summary>
    public async Task<DashboardFigures> ComputeDashboardAsync(DateTime from, DateTime to, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.Value.TimeZone);
        var offsetHours = zone.GetUtcOffset(now).TotalHours;

        // SPEC §10: all contacts not erased (an erasure records a withdrawal, which is not an opt-out).
        var contacts = await db.Contacts.Where(c => c.ErasedAt == null).GroupBy(c => c.WhatsAppConsent).Select(g => new { State = g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var allContacts = contacts.Sum(c => c.Count);
        long ContactsIn(ConsentState s) => contacts.Where(c => c.State == s).Sum(c => c.Count);

        var (rolled, live) = await PlanAsync(from, to, now, zone, ct);
        var attempts = new List<AttemptCount>();
        var notifications = new List<NotificationCount>();
        var consent = new List<ConsentCount>();
        foreach (var (start, end) in live)
        {
            attempts.AddRange(await LiveAttemptsAsync(start, end, offsetHours, ct));
            notifications.AddRange(await LiveNotificationsAsync(start, end, offsetHours, ct));
            consent.AddRange(await LiveConsentAsync(start, end, offsetHours, ct));
        }

        if (rolled.Count > 0)
        {
            var (first, last) = (rolled.Min(), rolled.Max());
            attempts.AddRange((await db.StatsAttemptDays.AsNoTracking().Where(d => d.Day >= first && d.Day <= last)
                .Select(d => new AttemptCount(d.Day, d.Status, d.Taken, d.WindowOpen, d.Reason, d.Billable, d.PricingCategory, d.ErrorCode, d.Count))
                .ToListAsync(ct)).Where(a => rolled.Contains(a.Day)));
            notifications.AddRange((await db.StatsNotificationDays.AsNoTracking().Where(d => d.Day >= first && d.Day <= last)
                .Select(d => new NotificationCount(d.Day, d.State, d.Channel, d.CampaignAsk, d.Count))
                .ToListAsync(ct)).Where(n => rolled.Contains(n.Day)));
            consent.AddRange((await db.StatsConsentDays.AsNoTracking().Where(d => d.Day >= first && d.Day <= last)
                .Select(d => new ConsentCount(d.Day, d.Action, d.Source, d.Count))
                .ToListAsync(ct)).Where(e => rolled.Contains(e.Day)));
        }

        var outcomes = OutcomesOf(notifications);
        notifications = notifications.Where(n => Processed.Contains(n.State)).ToList();
        var failures = attempts.Where(a => a.ErrorCode is not null).GroupBy(a => a.ErrorCode!.Value)
            .Select(g => new { Code = g.Key, Count = g.Sum(a => a.Count) }).ToList();

        // A send is a WhatsApp attempt Meta accepted (it has a message id), whatever became of it later.
        var whatsAppSends = attempts.Where(a => a.Taken || Accepted.Contains(a.Status)).ToList();
        var cost = (decimal)whatsAppSends.Where(a => a.Billable).Sum(a => a.Count * prices.Value.For(a.PricingCategory));

        var days = DayByDay(from, to, zone, whatsAppSends, notifications, consent);

        var totalSends = whatsAppSends.Sum(a => a.Count);
        var stats = new Stats(from, to, policy.Value.TimeZone,
            new Ratio(ContactsIn(ConsentState.Granted), allContacts),
            new Ratio(ContactsIn(ConsentState.Withdrawn), allContacts),
            new Ratio(whatsAppSends.Where(a => a.WindowOpen).Sum(a => a.Count), totalSends),
            new Ratio(whatsAppSends.Where(a => a.Reason == "service_window").Sum(a => a.Count), totalSends),
            FallbackOf(notifications),
            new Ratio(whatsAppSends.Where(a => a.Status is AttemptStatus.Delivered or AttemptStatus.Read).Sum(a => a.Count), totalSends),
            DeliveredOf(notifications),
            decimal.Round(cost, 4),
            consent.Where(e => e.Action == ConsentAction.Granted).GroupBy(e => e.Source)
                .Select(g => new SourceCount(EnumText<ConsentSource>.Name(g.Key), g.Sum(e => e.Count)))
                .OrderByDescending(s => s.Grants).ThenBy(s => s.Source, StringComparer.Ordinal).ToList(),
            failures.OrderByDescending(f => f.Count).ThenBy(f => f.Code).Select(f => new FailureCount(f.Code, ErrorMeanings.For(f.Code), f.Count)).ToList(),
            await QueueAsync(now, ct),
            await NumbersAsync(now, ct),
            days);
        return new DashboardFigures(stats, outcomes);
    }

    /// <summary>Each day's notifications by the channel that carried them last and how that ended; those still on their way or cancelled are left out.</summary>
    private static List<OutcomeCount> OutcomesOf(List<NotificationCount> notifications) =>
        notifications
            .Select(n => (n.Day, n.Channel, Outcome: DeliveryOutcomes.Of(n.State, n.Channel), n.Count))
            .Where(n => n.Outcome is not null)
            .GroupBy(n => (n.Day, n.Channel, Outcome: n.Outcome!.Value))
            .Select(g => new OutcomeCount(g.Key.Day, g.Key.Channel, g.Key.Outcome, g.Sum(n => n.Count)))
            .OrderBy(o => o.Day).ThenBy(o => o.Channel).ThenBy(o => o.Outcome)
            .ToList();

    /// <summary>The figures of each office day of the period; one pass over the grouped rows per series, not one per day (a year is 366 days).</summary>
    private List<DayFigures> DayByDay(DateTime from, DateTime to, TimeZoneInfo zone, List<AttemptCount> whatsAppSends,
        List<NotificationCount> notifications, List<ConsentCount> consent)
    {
        var sendsByDay = whatsAppSends.ToLookup(a => a.Day);
        var doneByDay = notifications.ToLookup(n => n.Day);
        var eventsByDay = consent.ToLookup(e => e.Day);
        var days = new List<DayFigures>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(from, zone));
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(to.AddTicks(-1), zone));
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var sends = sendsByDay[day].ToList();
            var done = doneByDay[day].ToList();
            var events = eventsByDay[day].ToList();
            days.Add(new DayFigures(day,
                new Ratio(sends.Where(a => a.WindowOpen).Sum(a => a.Count), sends.Sum(a => a.Count)),
                FallbackOf(done),
                new Ratio(sends.Where(a => a.Status is AttemptStatus.Delivered or AttemptStatus.Read).Sum(a => a.Count), sends.Sum(a => a.Count)),
                DeliveredOf(done),
                events.Where(e => e.Action == ConsentAction.Granted).Sum(e => e.Count),
                events.Where(e => e.Action == ConsentAction.Withdrawn).Sum(e => e.Count),
                (decimal)sends.Where(a => a.Billable).Sum(a => a.Count * prices.Value.For(a.PricingCategory))));
        }

        return days;
    }

    private sealed record AttemptCount(DateOnly Day, AttemptStatus Status, bool Taken, bool WindowOpen, string? Reason, bool Billable,
        string? PricingCategory, int? ErrorCode, long Count);

    private sealed record NotificationCount(DateOnly Day, NotificationState State, Channel Channel, bool CampaignAsk, long Count);

    private sealed record ConsentCount(DateOnly Day, ConsentAction Action, ConsentSource Source, long Count);

    /// <summary>When an office day begins, in UTC.</summary>
    public static DateTime StartOf(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    /// <summary>The attempts the dashboard counts: WhatsApp's (fallbacks are counted as notifications).</summary>
    internal static IQueryable<DeliveryAttempt> AttemptsQuery(KabarDbContext db, DateTime from, DateTime to) =>
        db.DeliveryAttempts.Where(a => a.CreatedAt >= from && a.CreatedAt < to && a.Channel == Channel.WhatsApp);

    internal static IQueryable<ConsentEvent> ConsentQuery(KabarDbContext db, DateTime from, DateTime to) =>
        db.ConsentEvents.Where(e => e.Scope == ConsentScope.WhatsApp && e.OccurredAt >= from && e.OccurredAt < to);

    /// <summary>
    /// Which office days of <c>[from, to)</c> the rollup already holds (whole days, ended, counted in
    /// this time zone), and the stretches left to count from the rows themselves: today, the ragged
    /// ends of a period that does not start or end at midnight, and any day the job has not reached.
    /// </summary>
    private async Task<(HashSet<DateOnly> Rolled, List<(DateTime Start, DateTime End)> Live)> PlanAsync(
        DateTime from, DateTime to, DateTime now, TimeZoneInfo zone, CancellationToken ct)
    {
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(from, zone));
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(to.AddTicks(-1), zone));
        var zoneId = policy.Value.TimeZone;
        var marked = (await db.StatsDays.AsNoTracking().Where(d => d.Day >= firstDay && d.Day <= lastDay && d.TimeZone == zoneId)
            .Select(d => d.Day).ToListAsync(ct)).ToHashSet();
        var rolled = new HashSet<DateOnly>();
        var live = new List<(DateTime Start, DateTime End)>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var (start, end) = (StartOf(day, zone), StartOf(day.AddDays(1), zone));
            if (marked.Contains(day) && start >= from && end <= to && end <= now)
            {
                rolled.Add(day);
                continue;
            }

            var piece = (Start: start < from ? from : start, End: end > to ? to : end);
            if (live.Count > 0 && live[^1].End == piece.Start)
            {
                live[^1] = (live[^1].Start, piece.End);
            }
            else
            {
                live.Add(piece);
            }
        }

        return (rolled, live);
    }

    private async Task<List<AttemptCount>> LiveAttemptsAsync(DateTime from, DateTime to, double offsetHours, CancellationToken ct) =>
        (await AttemptsQuery(db, from, to)
            .GroupBy(a => new { Day = a.CreatedAt.AddHours(offsetHours).Date, a.Status, Taken = a.ProviderMessageId != null, a.WindowOpen, a.Reason, a.Billable, a.PricingCategory, a.ErrorCode })
            .Select(g => new { g.Key.Day, g.Key.Status, g.Key.Taken, g.Key.WindowOpen, g.Key.Reason, g.Key.Billable, g.Key.PricingCategory, g.Key.ErrorCode, Count = g.LongCount() })
            .ToListAsync(ct))
        .Select(a => new AttemptCount(DateOnly.FromDateTime(a.Day), a.Status, a.Taken, a.WindowOpen, a.Reason, a.Billable, a.PricingCategory, a.ErrorCode, a.Count))
        .ToList();

    // Every state is grouped and the processed ones kept by the caller: with the state in the WHERE,
    // SQLite reads the period through the state index (nearly every row) instead of CreatedAt's.
    private async Task<List<NotificationCount>> LiveNotificationsAsync(DateTime from, DateTime to, double offsetHours, CancellationToken ct) =>
        (await db.Notifications
            .Where(n => n.CreatedAt >= from && n.CreatedAt < to)
            .GroupBy(n => new { Day = n.CreatedAt.AddHours(offsetHours).Date, n.State, n.Channel, CampaignAsk = n.CampaignId != null })
            .Select(g => new { g.Key.Day, g.Key.State, g.Key.Channel, g.Key.CampaignAsk, Count = g.LongCount() })
            .ToListAsync(ct))
        .Select(n => new NotificationCount(DateOnly.FromDateTime(n.Day), n.State, n.Channel, n.CampaignAsk, n.Count))
        .ToList();

    private async Task<List<ConsentCount>> LiveConsentAsync(DateTime from, DateTime to, double offsetHours, CancellationToken ct) =>
        (await ConsentQuery(db, from, to)
            .GroupBy(e => new { Day = e.OccurredAt.AddHours(offsetHours).Date, e.Action, e.Source })
            .Select(g => new { g.Key.Day, g.Key.Action, g.Key.Source, Count = g.LongCount() })
            .ToListAsync(ct))
        .Select(e => new ConsentCount(DateOnly.FromDateTime(e.Day), e.Action, e.Source, e.Count))
        .ToList();

    /// <summary>SPEC §10's fallback rate, without campaigns' opt-in requests (see the class summary).</summary>
    private static Ratio FallbackOf(IEnumerable<NotificationCount> done)
    {
        var list = done.Where(n => !n.CampaignAsk).ToList();
        return new Ratio(
            list.Where(n => n.Channel is Channel.Sms or Channel.Email && n.State != NotificationState.Failed).Sum(n => n.Count),
            list.Sum(n => n.Count));
    }

    private static Ratio DeliveredOf(IEnumerable<NotificationCount> done)
    {
        var list = done.ToList();
        return new Ratio(
            list.Where(n => DeliveryOutcomes.Of(n.State, n.Channel) == DeliveryOutcome.Reached).Sum(n => n.Count),
            list.Sum(n => n.Count));
    }

    private async Task<QueueFigures> QueueAsync(DateTime now, CancellationToken ct)
    {
        var waiting = await db.Notifications
            .Where(n => n.State == NotificationState.Queued || n.State == NotificationState.Scheduled || n.State == NotificationState.Sending)
            .GroupBy(n => n.State).Select(g => new { State = g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var oldest = await db.Notifications.Where(n => n.State == NotificationState.Queued && n.DueAt <= now)
            .OrderBy(n => n.DueAt).Select(n => (DateTime?)n.DueAt).FirstOrDefaultAsync(ct);
        long Of(NotificationState s) => waiting.Where(w => w.State == s).Sum(w => w.Count);
        return new QueueFigures(Of(NotificationState.Queued), Of(NotificationState.Scheduled), Of(NotificationState.Sending),
            oldest is { } at ? (now - at).TotalSeconds : null);
    }

    /// <summary>Distinct people reached with limit-counting sends in the last 24 h, per number, against the tier.</summary>
    private async Task<List<NumberUse>> NumbersAsync(DateTime now, CancellationToken ct)
    {
        var since = now.AddHours(-24);
        var reached = await db.DeliveryAttempts
            .Where(a => a.CountsAgainstLimit && a.CreatedAt > since && a.ContactId != null && a.PhoneNumberId != null)
            .Select(a => new { a.PhoneNumberId, a.ContactId }).Distinct()
            .GroupBy(a => a.PhoneNumberId).Select(g => new { Number = g.Key!, Count = g.LongCount() })
            .ToListAsync(ct);
        var limit = MessagingReach.ParseLimit(whatsApp.Value.MessagingLimit);
        return whatsApp.Value.EffectiveNumbers.Select(n => new NumberUse(n.PhoneNumberId, n.DisplayPhoneNumber, limit,
            reached.FirstOrDefault(r => r.Number == n.PhoneNumberId)?.Count ?? 0)).ToList();
    }
}
