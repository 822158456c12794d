namespace Kabar.Notifications;

/// <summary>Quiet hours (SPEC §5): routine sends wait for the morning in the office's time zone.</summary>
public static class QuietHours
{
    /// <summary>When quiet hours end, if <paramref name="now"/> is inside them; else null.</summary>
    public static DateTime? Until(DateTime now, Common.PolicyOptions policy)
    {
        if (policy.QuietHoursStart == policy.QuietHoursEnd)
        {
            return null;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var t = TimeOnly.FromDateTime(local);
        var (start, end) = (policy.QuietHoursStart, policy.QuietHoursEnd);
        var quiet = start < end ? t >= start && t < end : t >= start || t < end;
        if (!quiet)
        {
            return null;
        }

        var endDate = t < end ? local.Date : local.Date.AddDays(1);
        var endLocal = DateTime.SpecifyKind(endDate + end.ToTimeSpan(), DateTimeKind.Unspecified);
        return TimeZoneInfo.ConvertTimeToUtc(endLocal, zone);
    }
}
