namespace Kabar.Permits;

internal static class JobText
{
    /// <summary>A day as "26 Nov 2026": logs mask digit runs that look like phone numbers, as 2026-11-26 does.</summary>
    public static string Day(DateOnly day) => day.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
