using Kabar.Common;
using Kabar.Consent;
using Kabar.Contacts;
using Kabar.Data;
using Kabar.Decisions;
using Kabar.Experiments;
using Kabar.Jobs;
using Kabar.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Campaigns;

/// <summary>
/// The <c>opt-in-campaigns</c> job: for each running campaign inside its sending hours, queues up
/// to min(what is left of the daily cap, the batch size) opt-in requests. Each batch is one
/// transaction: the ask rows (unique per campaign and contact), the notifications, and a guarded
/// update of each contact's <c>LastOptInRequestAt</c> that only succeeds outside the cooldown — so
/// a crash, a lost job lease or a second process can neither ask a person twice nor lose an ask.
/// </summary>
internal sealed partial class CampaignRunner(
    IServiceScopeFactory scopes,
    NotificationWriter writer,
    DecisionInputs inputs,
    IOptions<PolicyOptions> policy,
    IOptions<CampaignOptions> options,
    IOptions<ExperimentOptions> experimentOptions,
    CrashPoints crash,
    ILogger<CampaignRunner> logger)
{
    public const string JobName = "opt-in-campaigns";

    /// <summary>A crash point between writing a batch and committing it (tests stop the process here).</summary>
    public const string BeforeCommit = "campaign_before_commit";

    /// <summary>The idempotency key of a campaign's request to one person: at most one per campaign and person.</summary>
    public static string AskKey(Guid campaignId, Guid contactId) => $"{CampaignKeyPrefix}{campaignId:N}:{contactId:N}";

    public const string CampaignKeyPrefix = "campaign:";

    public async Task<JobOutcome> RunAsync(DateTime now, CancellationToken ct)
    {
        List<Guid> running;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
            running = await db.Campaigns.AsNoTracking().Where(c => c.State == CampaignState.Running)
                .OrderBy(c => c.CreatedAt).Select(c => c.Id).ToListAsync(ct);
        }

        int asked = 0, skipped = 0, completed = 0;
        foreach (var id in running)
        {
            try
            {
                var result = await RunCampaignAsync(id, now, ct);
                asked += result.Asked;
                skipped += result.Skipped;
                completed += result.Completed ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex.IsRetryableConflict())
            {
                // Another process asked some of the same people at the same moment: its batch won,
                // this one rolled back whole; the next run carries on after it.
                LogLostRace(id);
            }
        }

        if (asked > 0)
        {
            writer.Wake();
        }

        return new JobOutcome(asked, $"{running.Count} running campaign(s), {asked} asked, {skipped} skipped, {completed} completed");
    }

    private sealed record BatchResult(int Asked, int Skipped, bool Completed);

    /// <summary>What a batch's asks carry: the campaign's experiment, if any, and how long an answer counts for it.</summary>
    private sealed record AskSetup(Campaign Campaign, Experiment? Experiment, IReadOnlyList<ExperimentVariant>? Variants,
        TimeSpan Attribution, NotificationType Type);

    private async Task<BatchResult> RunCampaignAsync(Guid id, DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KabarDbContext>();
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.State == CampaignState.Running, ct);
        if (campaign is null)
        {
            return new BatchResult(0, 0, false);
        }

        var p = policy.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
        var take = await BatchSizeAsync(db, campaign, zone, now, ct);
        if (take <= 0)
        {
            return new BatchResult(0, 0, false);
        }

        var cutoff = now - p.OptInCooldown;
        var candidates = await CampaignSegment.Waiting(db, campaign, zone, cutoff)
            .OrderBy(c => c.Id).Take(take).AsNoTracking().ToListAsync(ct);
        if (candidates.Count == 0)
        {
            await db.Campaigns.Where(c => c.Id == id && c.State == CampaignState.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Completed)
                    .SetProperty(c => c.CompletedAt, now).SetProperty(c => c.UpdatedAt, now), ct);
            LogCompleted(id);
            return new BatchResult(0, 0, true);
        }

        var setup = await SetupAsync(db, campaign, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Still running, checked and held inside the transaction: a pause or completion committed
        // since the read above stops this batch, and one arriving now waits for it (a row lock).
        var stillRunning = await db.Campaigns.Where(c => c.Id == id && c.State == CampaignState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), ct);
        if (stillRunning == 0)
        {
            await tx.RollbackAsync(ct);
            return new BatchResult(0, 0, false);
        }

        int asked = 0, skipped = 0;
        foreach (var contact in candidates)
        {
            if (await AskAsync(db, setup, contact, now, cutoff, ct))
            {
                asked++;
            }
            else
            {
                skipped++;
            }
        }

        await db.SaveChangesAsync(ct);
        crash.Hit(BeforeCommit);
        await tx.CommitAsync(ct);
        LogBatch(id, asked, skipped);
        return new BatchResult(asked, skipped, false);
    }

    /// <summary>How many the campaign may ask now: none outside its sending hours or quiet hours, else what is left of today's cap, at most a batch.</summary>
    private async Task<int> BatchSizeAsync(KabarDbContext db, Campaign campaign, TimeZoneInfo zone, DateTime now, CancellationToken ct)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var timeOfDay = TimeOnly.FromDateTime(local);
        if (timeOfDay < campaign.SendFrom || timeOfDay >= campaign.SendUntil || QuietHours.Until(now, policy.Value) is not null)
        {
            return 0;
        }

        var dayStart = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local.Date, DateTimeKind.Unspecified), zone);
        var askedToday = await db.CampaignAsks.CountAsync(a => a.CampaignId == campaign.Id && a.Outcome == AskOutcome.Asked && a.AskedAt >= dayStart, ct);
        return Math.Min(campaign.DailyCap - askedToday, options.Value.BatchSize);
    }

    private async Task<AskSetup> SetupAsync(KabarDbContext db, Campaign campaign, CancellationToken ct)
    {
        Experiment? experiment = campaign.ExperimentId is { } eid ? await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eid, ct) : null;
        var variants = experiment is null ? null : ExperimentService.ReadVariants(experiment.VariantsJson);
        var attribution = experiment is null ? experimentOptions.Value.AttributionWindow : TimeSpan.FromDays(experiment.AttributionDays);
        return new AskSetup(campaign, experiment, variants, attribution, NotificationCatalog.Find(NotificationCatalog.OptInRequest)!);
    }

    /// <summary>Records the ask of one person and queues the request, unless they have no address or the cooldown is not theirs to take.</summary>
    private async Task<bool> AskAsync(KabarDbContext db, AskSetup setup, Contact contact, DateTime now, DateTime cutoff, CancellationToken ct)
    {
        var campaignId = setup.Campaign.Id;
        var ask = new CampaignAsk
        {
            Id = Guid.CreateVersion7(),
            CampaignId = campaignId,
            ContactId = contact.Id,
            AskedAt = now,
            AttributionEndsAt = now + setup.Attribution,
            Outcome = AskOutcome.Skipped,
        };
        db.CampaignAsks.Add(ask);
        var channel = ChannelFor(setup.Campaign.Channels, contact);
        if (channel == Channel.None)
        {
            ask.SkipReason = "no_address";
            return false;
        }

        // The reservation: only one writer can move a person's last request into the cooldown.
        var contactId = contact.Id;
        var reserved = await db.Contacts
            .Where(c => c.Id == contactId && c.WhatsAppConsent == ConsentState.Unknown
                && (c.LastOptInRequestAt == null || c.LastOptInRequestAt < cutoff))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastOptInRequestAt, now), ct);
        if (reserved == 0)
        {
            ask.SkipReason = "asked_recently_or_chose";
            return false;
        }

        var notification = writer.Add(db, contact, setup.Type, new Dictionary<string, string>(), now,
            new NotificationOrigin(IdempotencyKey: AskKey(campaignId, contactId)));
        notification.Channel = channel;
        notification.CampaignId = campaignId;
        if (setup is { Experiment: { } experiment, Variants: { } variants })
        {
            var variant = VariantAssignment.Assign(experiment.Id, contactId, variants);
            ask.ExperimentId = experiment.Id;
            ask.VariantKey = variant.Key;
            notification.Body = (channel == Channel.Sms ? variant.Sms : variant.Email)?.For(contact.Language);
        }

        ask.Outcome = AskOutcome.Asked;
        ask.Channel = channel;
        ask.NotificationId = notification.Id;
        return true;
    }

    private Channel ChannelFor(CampaignChannels channels, Contact contact)
    {
        // SMS goes to mobiles only: a landline, even an Indonesian one, is no address for an SMS request.
        var smsOk = PhoneNormalizer.SmsRegionOf(contact.Phone) is { } region && inputs.Policy.SmsCountries.Contains(region);
        var emailOk = contact.Email is not null;
        return channels switch
        {
            CampaignChannels.Sms => smsOk ? Channel.Sms : Channel.None,
            CampaignChannels.Email => emailOk ? Channel.Email : Channel.None,
            _ => smsOk ? Channel.Sms : emailOk ? Channel.Email : Channel.None,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: queued {Asked} opt-in request(s), skipped {Skipped}")]
    private partial void LogBatch(Guid campaignId, int asked, int skipped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} completed: nobody in its segment is left to ask")]
    private partial void LogCompleted(Guid campaignId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: another process queued the same people first; this batch was rolled back")]
    private partial void LogLostRace(Guid campaignId);
}
