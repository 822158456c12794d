using System.Globalization;
using Kabar.Common;
using Kabar.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kabar.Campaigns;

/// <summary>Creating campaigns and moving them between states; shared by the API and the console.</summary>
public sealed class CampaignService(IOptions<PolicyOptions> policy, TimeProvider time)
{
    public const int MaxDailyCap = 100_000;

    /// <summary>Validates and adds a draft campaign (not saved); null with <paramref name="errors"/> filled when the request is bad.</summary>
    public async Task<Campaign?> CreateAsync(KabarDbContext db, CampaignRequest request, string createdBy, FieldErrors errors, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add("name", "Give the campaign a name of 1 to 200 characters.");
        }

        CampaignChannels? channels = request.Channel?.Trim().ToLowerInvariant() switch
        {
            "sms" => CampaignChannels.Sms,
            "email" => CampaignChannels.Email,
            "both" => CampaignChannels.Both,
            _ => null,
        };
        if (channels is null)
        {
            errors.Add("channel", "Use 'sms', 'email' or 'both'.");
        }

        if (request.DailyCap is not { } cap || cap < 1 || cap > MaxDailyCap)
        {
            errors.Add("dailyCap", $"Give a daily cap between 1 and {MaxDailyCap}.");
        }

        var (from, until) = ValidateSendingHours(request.SendingHours, errors);

        var segment = request.Segment;
        if (segment?.RegisteredFrom is { } rf && segment.RegisteredTo is { } rt && rf > rt)
        {
            errors.Add("segment.registeredTo", "The end date must be on or after the start date.");
        }

        var permitType = string.IsNullOrWhiteSpace(segment?.PermitType) ? null : segment!.PermitType!.Trim();
        if (permitType is { Length: > 200 })
        {
            errors.Add("segment.permitType", "A permit type has at most 200 characters.");
        }

        if (request.ExperimentId is { } experimentId
            && !await db.Experiments.AsNoTracking().AnyAsync(e => e.Id == experimentId && e.State == ExperimentState.Running, ct))
        {
            errors.Add("experimentId", "No running experiment has this id; leave it out to use the standard request text.");
        }

        if (errors.Any)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(),
            Name = name!,
            State = CampaignState.Draft,
            PermitType = permitType,
            RegisteredFrom = segment?.RegisteredFrom,
            RegisteredTo = segment?.RegisteredTo,
            Channels = channels!.Value,
            DailyCap = request.DailyCap!.Value,
            SendFrom = from!.Value,
            SendUntil = until!.Value,
            ExperimentId = request.ExperimentId,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        return campaign;
    }

    /// <summary>The sending hours, each null when it cannot be read; both must lie outside the quiet hours.</summary>
    private (TimeOnly? From, TimeOnly? Until) ValidateSendingHours(SendingHoursRequest? hours, FieldErrors errors)
    {
        var from = ParseTime(hours?.From);
        var until = ParseTime(hours?.Until);
        if (from is null)
        {
            errors.Add("sendingHours.from", "Give a time of day as HH:mm, for example 09:00.");
        }

        if (until is null)
        {
            errors.Add("sendingHours.until", "Give a time of day as HH:mm, for example 17:00.");
        }

        if (from is { } f && until is { } u)
        {
            var p = policy.Value;
            if (f >= u)
            {
                errors.Add("sendingHours.until", "The end of the sending hours must come after their start on the same day.");
            }
            else if (!OutsideQuietHours(f, u, p))
            {
                errors.Add("sendingHours", $"Sending hours must lie outside the quiet hours {p.QuietHoursStart:HH\\:mm}–{p.QuietHoursEnd:HH\\:mm} ({p.TimeZone}), for example 09:00–17:00.");
            }
        }

        return (from, until);
    }

    /// <summary>
    /// <c>start</c> (draft → running), <c>pause</c> (running → paused), <c>resume</c> (paused → running),
    /// <c>complete</c> (any but completed → completed). A guarded update, so two operators clicking at
    /// once cannot both move it. Null when the campaign does not exist; false when the move is not allowed now.
    /// </summary>
    public async Task<bool?> MoveAsync(KabarDbContext db, Guid id, string action, CancellationToken ct)
    {
        var (from, to) = action switch
        {
            "start" => (new[] { CampaignState.Draft }, CampaignState.Running),
            "pause" => ([CampaignState.Running], CampaignState.Paused),
            "resume" => ([CampaignState.Paused], CampaignState.Running),
            "complete" => ([CampaignState.Draft, CampaignState.Running, CampaignState.Paused], CampaignState.Completed),
            _ => (Array.Empty<CampaignState>(), CampaignState.Draft),
        };
        var now = time.GetUtcNow().UtcDateTime;
        var moved = await db.Campaigns.Where(c => c.Id == id && from.Contains(c.State))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.State, to)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.StartedAt, c => c.StartedAt ?? (to == CampaignState.Running ? now : null))
                .SetProperty(c => c.CompletedAt, c => to == CampaignState.Completed ? now : c.CompletedAt), ct);
        if (moved > 0)
        {
            return true;
        }

        return await db.Campaigns.AnyAsync(c => c.Id == id, ct) ? false : null;
    }

    public static bool OutsideQuietHours(TimeOnly from, TimeOnly until, PolicyOptions p)
    {
        var (start, end) = (p.QuietHoursStart, p.QuietHoursEnd);
        if (start == end)
        {
            return true;
        }

        // Quiet hours across midnight (21:00–07:00): sending must start at or after their end and stop by their start.
        return start > end ? from >= end && until <= start : until <= start || from >= end;
    }

    public static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
}
