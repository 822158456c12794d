using Kabar.Admin;
using Kabar.Campaigns;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Decisions;
using Kabar.Notifications;

namespace Kabar.Operations;

/// <summary>
/// Whole answers for the reference page, built as the records the API returns so that the
/// examples keep the real shape: a permit-ready notice delivered on WhatsApp, its contact, a
/// decision, an opt-in campaign, an experiment and a month of figures.
/// </summary>
internal static class ApiResponseExamples
{
    private static readonly Guid ContactId = Guid.Parse("019ad0c4-1b2c-7d3e-8f40-5a6b7c8d9e01");
    private static readonly Guid CampaignId = Guid.Parse("019ad0c4-2c3d-7e4f-9051-6b7c8d9e0f12");
    private static readonly Guid ExperimentId = Guid.Parse("019ad0c4-3d4e-7f50-a162-7c8d9e0f1a23");
    private static readonly DateTime Accepted = new(2026, 11, 25, 3, 15, 0, DateTimeKind.Utc);

    public static readonly Decision Decision = new()
    {
        CanSend = true,
        Channel = Channel.WhatsApp,
        Reason = DecisionReason.OptedIn,
        OptIn = ConsentState.Granted,
        WindowOpen = false,
        Billable = true,
        CountsAgainstMessagingLimit = true,
        MessageKind = MessageKind.Template,
        PriceCategory = "utility",
    };

    public static readonly ContactResponse Contact = new(ContactId, "+6281234567890", "6281234567890", null, "Siti Aminah",
        "siti@example.id", "id", new ConsentStates(ConsentState.Granted, ConsentState.Unknown), new DateTime(2026, 11, 24, 8, 2, 11, DateTimeKind.Utc),
        true, new DateTime(2026, 11, 25, 7, 57, 11, DateTimeKind.Utc));

    public static readonly NotificationResponse Notification = new(Guid.Parse(ProblemAnswers.SampleId), NotificationCatalog.All[0].Name,
        NotificationState.Delivered, Channel.WhatsApp, Decision, ContactId, Guid.Parse("019ad0c4-4e5f-7061-b273-8d9e0f1a2b34"), true,
        LegalBasis.PublicTask, null, null, null, Accepted, Accepted, Accepted.AddSeconds(9), 0.025,
        [
            new AttemptResponse(Guid.Parse("019ad0c4-5f60-7172-8384-9e0f1a2b3c45"), Channel.WhatsApp, AttemptStatus.Delivered,
                "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ1RkM3QjU0QjE2QjI0RTVBAA==", null, null, false, true, Accepted.AddSeconds(1),
                [
                    new StatusStep(AttemptStatus.Accepted, Accepted.AddSeconds(1)),
                    new StatusStep(AttemptStatus.Sent, Accepted.AddSeconds(3)),
                    new StatusStep(AttemptStatus.Delivered, Accepted.AddSeconds(9)),
                ]),
        ]);

    public static readonly CampaignResponse Campaign = new(CampaignId, "Ajakan WhatsApp pemohon Izin Usaha 2026", "running",
        new SegmentRequest("Izin Usaha", new DateOnly(2026, 1, 1), new DateOnly(2026, 11, 30)), "sms", 500,
        new SendingHoursRequest("09:00", "16:00"), ExperimentId, "api:sicantik", new DateTime(2026, 11, 20, 1, 0, 0, DateTimeKind.Utc),
        new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc), null,
        new CampaignProgress(1480, 480, 960, 30, 10, 412, 288, 0.3, 160,
            [new CampaignDay(new DateOnly(2026, 11, 25), 160, 61, 40), new CampaignDay(new DateOnly(2026, 11, 24), 500, 214, 152)],
            new Dictionary<string, long>(StringComparer.Ordinal) { ["no_address"] = 18, ["asked_recently_or_chose"] = 12 }));

    public static readonly ExperimentResponse Experiment = new(ExperimentId, "Teks ajakan singkat vs. lengkap", "running", 14,
        new DateTime(2026, 11, 19, 9, 0, 0, DateTimeKind.Utc),
        [
            new VariantResultResponse("standar", 1, null, null, 480, 130, 0.2708, new IntervalResponse(0.2329, 0.3124), null, null, null),
            new VariantResultResponse("singkat", 1,
                new TextRequest("{office_name}: terima kabar izin Anda lewat WhatsApp? Setujui di {link}",
                    "{office_name}: get your permit news on WhatsApp? Agree at {link}"),
                null, 480, 158, 0.3292, new IntervalResponse(0.2891, 0.3719), 0.0583, new IntervalResponse(-0.0206, 0.1372), 0.21),
        ],
        "no_difference_yet", null, 2400,
        "Belum ada perbedaan yang pasti: 'singkat' unggul 5,8 poin, tetapi uji belum melewati ambangnya.",
        "Belum ada perbedaan yang pasti: 'singkat' unggul 5,8 poin, tetapi uji belum melewati ambangnya.",
        "No established difference yet: 'singkat' leads by 5.8 points, but the test has not crossed its threshold.", 212);

    public static readonly Stats Stats = new(new DateTime(2026, 10, 26, 17, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 25, 3, 0, 0, DateTimeKind.Utc),
        "Asia/Jakarta", new Ratio(6120, 10200), new Ratio(204, 10200), new Ratio(910, 7400), new Ratio(310, 7400), new Ratio(1650, 9050),
        new Ratio(7030, 7400), new Ratio(8520, 9050), 148.25m,
        [new SourceCount("registration_form", 2210), new SourceCount("opt_in_link", 640), new SourceCount("inbound_keyword", 95)],
        [new FailureCount(131026, ErrorMeanings.For(131026), 214)],
        new QueueFigures(12, 340, 2, 4.5),
        [new NumberUse("106540352242922", "+62 628 21234", 1000, 388)],
        [
            new DayFigures(new DateOnly(2026, 11, 24), new Ratio(40, 310), new Ratio(52, 330), new Ratio(296, 310), new Ratio(315, 330),
                31, 2, 6.2m),
        ]);

    /// <summary>The example answer of each response type, or null.</summary>
    public static object? ForResponse(Type type) =>
        type == typeof(NotificationResponse) ? Notification
        : type == typeof(ContactResponse) ? Contact
        : type == typeof(Decision) ? Decision
        : type == typeof(CampaignResponse) ? Campaign
        : type == typeof(ExperimentResponse) ? Experiment
        : type == typeof(Stats) ? Stats
        : null;
}
